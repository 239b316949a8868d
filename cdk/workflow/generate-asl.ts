/**
 * Writes the state machine CDK synthesizes (intrinsics resolved) to lambdas/local/workflow.asl.json,
 * the definition the one-machine root executes, so running locally needs no aws-cdk-lib.
 * `npm run generate:asl`; test/cdk/generated-asl.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../paths.js';
import { renderWorkflowAsl } from './render-workflow-asl.js';

/** Where the generated definition lives. */
export const GENERATED_ASL_FILE = join(REPO_ROOT, 'lambdas', 'local', 'workflow.asl.json');

/** The file's exact text for the current CDK definition (stable key order, trailing newline). */
export function generatedAslText(): string {
  return `${JSON.stringify(renderWorkflowAsl(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_ASL_FILE, generatedAslText());
  process.stdout.write(`wrote ${GENERATED_ASL_FILE}\n`);
}
