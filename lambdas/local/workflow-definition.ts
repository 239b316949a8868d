/** The state machine this machine executes: the one CDK synthesizes, generated into workflow.asl.json by `npm run generate:asl`. */
import { readFileSync } from 'node:fs';

/** The generated definition (a fresh object each call: aws-local-stepfunctions may annotate it). */
export function loadWorkflowDefinition(): Record<string, any> {
  return JSON.parse(readFileSync(new URL('./workflow.asl.json', import.meta.url), 'utf8')) as Record<string, any>;
}
