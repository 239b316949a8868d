/** The state machine this machine executes: the one CDK synthesizes, generated into workflow.asl.json by `npm run generate:asl`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../adapters/local/runbook-directory.js';

/** Where the generated definition lives (read from the repository: the compiled command sits elsewhere). */
export const WORKFLOW_ASL_FILE = join(REPO_ROOT, 'lambdas', 'local', 'workflow.asl.json');

/** The generated definition (a fresh object each call: aws-local-stepfunctions may annotate it). */
export function loadWorkflowDefinition(): Record<string, any> {
  return JSON.parse(readFileSync(WORKFLOW_ASL_FILE, 'utf8')) as Record<string, any>;
}
