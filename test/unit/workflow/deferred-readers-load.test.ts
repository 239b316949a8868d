import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

// The Classify and Verify steps classify through classifyStored, which must load the deferred
// readers (deferred-readers.ts) itself. This suite's setup loads them for every test, so the proof
// runs in a child process that starts without them, as a Lambda does.
const scratch = mkdtempSync(join(tmpdir(), 'pm-deferred-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CLASSIFY_STORED = `
import { readFileSync } from 'node:fs';
import { classifyStored } from ${JSON.stringify(join(REPO_ROOT, 'lambdas/core/workflow/stored-classification.ts'))};
import { loadRulebook } from ${JSON.stringify(join(REPO_ROOT, 'lambdas/adapters/local/runbook-directory.ts'))};
import { parseEvidenceDocument } from ${JSON.stringify(join(REPO_ROOT, 'lambdas/core/evidence/bundle.ts'))};
const { bundle } = parseEvidenceDocument(JSON.parse(readFileSync(process.argv[2], 'utf8')));
const ports = { rulebook: loadRulebook(), evidence: { get: async () => bundle } };
const [c] = await classifyStored(ports, [{ target: 't', status: 'Success', ref: 'r' }]);
process.stdout.write(JSON.stringify(c.result.matches[0] ?? null));
`;

/**
 * The top match of classifyStored in a child process, with its stderr for failure messages only: a
 * Node or tsx warning on stderr is no failure.
 */
function classifyStoredInFreshProcess(file: string): {
  match: { runbookId: string } | null;
  stderr: string;
} {
  const script = join(scratch, 'classify-stored.mjs');
  writeFileSync(script, CLASSIFY_STORED);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, file], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, `the child process failed; its stderr:\n${r.stderr}`).toBe(0);
  return { match: JSON.parse(r.stdout) as { runbookId: string } | null, stderr: r.stderr };
}

describe('classifyStored loads the deferred readers it needs (a fresh process, as in Lambda)', () => {
  it('judges a policy that lets no DNS out (the YAML reading of policies)', () => {
    const file = join(REPO_ROOT, 'test/runbooks/cases/round-23/r23-network-policy-blocked-01.json');
    const { match, stderr } = classifyStoredInFreshProcess(file);
    expect(match?.runbookId, `stderr of the child:\n${stderr}`).toBe('network-policy-blocked');
  });

  it("judges a kubelet request its own NO_PROXY sends to the proxy (Go's NO_PROXY rules)", () => {
    const endpoint = '0123456789abcdef0123456789abcdef.gr7.us-west-2.eks.amazonaws.com';
    const file = join(scratch, 'proxy.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'paramedic.evidence/v1',
        target: { platform: 'eks', instanceId: 'i-0abc' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: {
          'net.proxy': {
            command: 'proxy environment of kubelet',
            exitCode: 0,
            truncated: false,
            output:
              '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)\nHTTPS_PROXY=http://10.0.0.5:3128\nNO_PROXY=localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local',
          },
          'kubelet.journal': {
            command: 'journalctl -u kubelet',
            exitCode: 0,
            truncated: false,
            output: `E1122 23:58:00.000000 3321 kubelet_node_status.go:96] "Unable to register node with API server" err="Post \\"https://${endpoint}/api/v1/nodes\\": net/http: TLS handshake timeout"`,
          },
        },
      }),
    );
    const { match, stderr } = classifyStoredInFreshProcess(file);
    expect(match?.runbookId, `stderr of the child:\n${stderr}`).toBe('egress-proxy-misconfigured');
  });
});
