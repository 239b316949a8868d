// The CLI tests run the real entry point (cli/bin/paramedic.mjs), which runs the compiled command:
// compile it once per test run so the tests exercise the current sources, never a stale dist/.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Vitest global setup: builds dist/cli (about a second). */
export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'cli', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
}
