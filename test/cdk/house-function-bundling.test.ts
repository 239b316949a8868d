/**
 * Each HouseFunction ships its own handler. CDK reuses a staged asset for the same cache key (the
 * JSON of the bundling options); a local bundling that carried only a function gave every function
 * one key and the first function's bundle. Two functions bundled for real (a child process each).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HouseFunction } from '../../cdk/constructs/house-function.js';

// Two esbuild builds, each in a child node process (about 3 s each when the machine is quiet).
const SYNTH_TIMEOUT_MS = 300_000;

describe('HouseFunction bundling', () => {
  it(
    'two functions get two assets, each with its own entry bundled and runbooks.json only where asked',
    () => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': ['**'] } });
      const stack = new Stack(app, 'Bundles');
      new HouseFunction(stack, 'AcquireLock', {
        entry: 'lambdas/handlers/acquire-lock.ts',
        shipRunbooks: false,
      });
      new HouseFunction(stack, 'ReleaseLock', { entry: 'lambdas/handlers/release-lock.ts' });
      const outdir = app.synth().directory;

      const keys = Object.values(
        Template.fromStack(stack).findResources('AWS::Lambda::Function'),
      ).map((fn) => fn.Properties.Code.S3Key as string);
      expect(new Set(keys).size).toBe(2);
      const [acquire, release] = keys.map((key) =>
        join(outdir, `asset.${key.replace(/\.zip$/, '')}`),
      );
      // The handler names its step (createTaskHandler('AcquireLock', ...)), which minifying keeps.
      expect(readFileSync(join(acquire!, 'index.mjs'), 'utf8')).toContain('AcquireLock');
      expect(readFileSync(join(release!, 'index.mjs'), 'utf8')).toContain('ReleaseLock');
      expect(existsSync(join(acquire!, 'runbooks.json'))).toBe(false);
      expect(existsSync(join(release!, 'runbooks.json'))).toBe(true);
    },
    SYNTH_TIMEOUT_MS,
  );
});
