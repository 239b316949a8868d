/**
 * Lists, after the run, every skipped group of tests with its reason (the `[skipped: …]` that
 * test/support/requirements.ts puts into the name), so "npm test passed" on a machine without
 * Docker or chromium says plainly what it did not test.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** Vitest reporter: one line per skipped group (file, group name, count). */
export default class SkipSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const groups = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        // The group named with its reason (`… [skipped: …]`, see requirements.ts), else the top-level group.
        const names = test.fullName.split(' > ');
        const group = names.find((n) => n.includes('[skipped:')) ?? names[0]!;
        const key = `${relative(process.cwd(), module.moduleId)}  ${group}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
    }
    if (groups.size === 0) return;
    const lines = [...groups].map(
      ([key, count]) => `  ${key} (${count} test${count === 1 ? '' : 's'})`,
    );
    process.stdout.write(
      `\nSkipped on this machine (bash .ci/run installs what they need; under CI=true they fail instead):\n${lines.join('\n')}\n`,
    );
  }
}
