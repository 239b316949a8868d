/**
 * REPRO: crashloop-config-error's `flag-asked-for` sets apart advice ("an info or warning line that
 * mentions a flag is advice to a running program, not why it exited") only in logfmt (`level=warn`),
 * JSON (`"level":"warn"`) and klog (`W1203`). The other common log formats a Go or JVM program
 * prints at warning level (zap's console encoder: `\tWARN\t`; `[WARN]`; Python's `WARNING:`)
 * still fire the signal on a program that kept running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileLineRegex } from '../../../lambdas/core/classify/regex-engine.js';

const runbook = parse(
  readFileSync(join(import.meta.dirname, '../../../runbooks/crashloop-config-error.yaml'), 'utf8'),
);
const signal = runbook.signals.find((s: { id: string }) => s.id === 'flag-asked-for');
const pattern = compileLineRegex(signal.match.pattern, true);
const unless = compileLineRegex(signal.match.unless, true);
const fires = (line: string) => pattern.test(line) && !unless.test(line);

describe('REPRO: flag-asked-for on warning lines', () => {
  it('reads the formats the runbook already sets apart as advice', () => {
    expect(fires('level=warning msg="no region from IMDS, please specify --region"')).toBe(false);
    expect(fires('please specify --region')).toBe(true);
  });

  it.each([
    '2026-12-03T10:00:00.000Z\tWARN\tsetup/region.go:42\tno region from IMDS, please specify --region',
    '2026-12-03 10:00:00 [WARN] no region from IMDS, please specify --region',
    'WARNING:root:no region from IMDS, please specify --region',
  ])('does not fire on a warning: %s', (line) => {
    expect(fires(line)).toBe(false);
  });
});
