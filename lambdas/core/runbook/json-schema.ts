import * as z from 'zod/mini';
import { runbookSchema } from './schema.js';

/** The JSON Schema (draft 2020-12) of a runbook document, generated from the zod schema. */
export function runbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'Paramedic runbook',
    description:
      'runbooks/<failure-class>.yaml: signals, exclusions, remediation and verification of one failure class.',
  };
}
