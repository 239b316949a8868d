/**
 * What every Lambda reads from its environment, apart from the workflow's ports: required
 * variables, the deployment's settings, the DynamoDB document client. Kept apart from
 * aws-ports.ts so a function that is not a workflow Task (approve.ts, command-completed.ts)
 * imports these without the ports' lazily loaded chunks.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowConfig } from '../core/workflow/config.js';
import { ENV } from './environment.js';

/** A required variable is missing or unusable: the stack and the handler disagree. */
export class HandlerEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    problem = 'is not set',
    options?: { cause?: unknown },
  ) {
    super(
      `environment variable ${variable} ${problem}; redeploy the pipeline stack (cdk deploy) so the function gets it`,
      options,
    );
    this.name = 'HandlerEnvironmentError';
  }
}

/** The variable's value; throws {@link HandlerEnvironmentError} when it is missing or empty. */
export function requiredEnvironment(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new HandlerEnvironmentError(name);
  return v;
}

/** The deployment's settings from {@link ENV.config} (a JSON object; absent means the defaults). */
export function workflowConfigFrom(env: NodeJS.ProcessEnv): Partial<WorkflowConfig> {
  const text = env[ENV.config];
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HandlerEnvironmentError(ENV.config, `is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HandlerEnvironmentError(ENV.config, 'must be a JSON object of workflow settings');
  return value as Partial<WorkflowConfig>;
}

/** The shared DynamoDB document client (also used by the idempotency layer). */
export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
