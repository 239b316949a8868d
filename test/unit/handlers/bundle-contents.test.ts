/**
 * What each Lambda bundle may hold (issue 14's lean Lambdas): bundled exactly as CDK bundles them
 * (lambdaEsbuildOptions), the metafile lists every input. A regression here is a size and cold-start
 * regression in every function, caught before the bench.
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { join } from 'node:path';
import { lambdaEsbuildOptions } from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  isIdempotentTask,
  TASK_HANDLER_FILES,
  TASK_PORTS,
} from '../../../lambdas/handlers/environment.js';
import { WORKFLOW_TASK_NAMES } from '../../../lambdas/core/workflow/task-names.js';

// A single-file build of its own, not the shared production one (test/support/handler-builds.ts):
// the two ship different inputs. With code splitting esbuild makes every `import()` target a
// chunk even where the importing code is tree-shaken away (Plan's asset carries the deferred
// readers' chunk with yaml, which Plan never loads), and without it a module reached by `import()`
// keeps whole SDK barrels the split build drops. The assertions below are about this build.
async function inputsOf(file: string): Promise<string[]> {
  const { metafile } = await build({
    ...lambdaEsbuildOptions(REPO_ROOT),
    entryPoints: [join(REPO_ROOT, 'lambdas/handlers', file)],
    write: false,
    outfile: 'out.mjs',
    metafile: true,
    logLevel: 'error',
  });
  // metafile.inputs also lists modules resolved then tree-shaken away; the output's inputs hold what ships.
  return Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([k]) => k),
  );
}
const has = (inputs: string[], pkg: string): boolean =>
  inputs.some((i) => i.includes(`node_modules/${pkg}/`));

describe('Lambda bundle contents', () => {
  it.each(WORKFLOW_TASK_NAMES)(
    '%s bundles its own step only, a YAML parser only where policies are read, no X-Ray SDK, idempotency only if declared',
    async (task) => {
      const inputs = await inputsOf(TASK_HANDLER_FILES[task]);
      const steps = inputs
        .filter((i) => i.includes('lambdas/core/workflow/steps/'))
        .map((i) => i.split('/').pop());

      expect(steps).toEqual([TASK_HANDLER_FILES[task]]);
      // Runbooks ship compiled to JSON: no YAML at init. Only the classifying steps carry a parser,
      // for pasted NetworkPolicy manifests, and never in what a cold start loads (bundle-size.test.ts).
      expect(has(inputs, 'yaml')).toBe(task === 'Classify' || task === 'Verify');
      expect(has(inputs, 'aws-xray-sdk-core')).toBe(false);
      expect(has(inputs, '@aws-lambda-powertools/idempotency')).toBe(isIdempotentTask(task));
      // The regex engine only where patterns run (Classify, Verify, and the preconditions: Plan's, and
      // RemediateStep's re-check of the group share before it acts); Intake looks runbooks up by id.
      expect(has(inputs, 're2js')).toBe(
        task === 'Classify' || task === 'Verify' || task === 'Plan' || task === 'RemediateStep',
      );
      if (TASK_PORTS[task].rulebook === undefined)
        expect(inputs.some((i) => i.includes('runbook-json'))).toBe(false);
    },
    30_000,
  );

  it('approve.ts bundles no workflow step and no tracer', async () => {
    const inputs = await inputsOf('approve.ts');
    expect(inputs.some((i) => i.includes('lambdas/core/workflow/steps/'))).toBe(false);
    expect(has(inputs, 'aws-xray-sdk-core')).toBe(false);
  });
});
