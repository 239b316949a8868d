import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_ASL_FILE, generatedAslText } from '../../cdk/workflow/generate-asl.js';
import { loadWorkflowDefinition } from '../../lambdas/local/workflow-definition.js';

describe('lambdas/local/workflow.asl.json', () => {
  it('is the state machine CDK synthesizes today (else run: npm run generate:asl)', () => {
    expect(
      readFileSync(GENERATED_ASL_FILE, 'utf8'),
      'stale: run npm run generate:asl and commit lambdas/local/workflow.asl.json',
    ).toBe(generatedAslText());
  });

  it('is what the local runner loads', () => {
    expect(loadWorkflowDefinition()).toEqual(JSON.parse(generatedAslText()));
  });
});
