/**
 * Builds a workflow Lambda's ports, once per cold start, from the environment CDK sets (see
 * environment.ts). Every function gets the DynamoDB ports (audit, locks, state) and the settings;
 * the other ports come from the factories its handler file imports (`ports/*.ts`: one SDK client
 * each, or the runbooks with their YAML parser), so a bundle holds only what its step calls.
 * A port the handler did not wire is a stub that fails with {@link PortNotWiredError}.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAuditStore } from '../adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { awsErrorWording } from '../adapters/aws-sdk/aws-error-message.js';
import { S3StateDocuments } from '../adapters/s3/s3-state-documents.js';
import { startExecutionIdentity } from '../adapters/stepfunctions/start-execution-identity.js';
import { ENV, type HandlerPortName } from './environment.js';
import { s3ObjectsFrom } from './ports/s3-objects.js';
import { documentClient, requiredEnvironment, workflowConfigFrom } from './handler-environment.js';
import type { CompiledRulebook } from '../core/classify/compile.js';
import { resolveWorkflowConfig } from '../core/workflow/config.js';
import type { Clock, WorkflowPorts } from '../core/workflow/ports.js';
import type { WorkflowTaskName } from '../core/workflow/task-names.js';
import { lazyPort } from './ports/lazy-port.js';
import type { LockStore } from '../core/ports.js';

export {
  documentClient,
  HandlerEnvironmentError,
  requiredEnvironment,
  workflowConfigFrom,
} from './handler-environment.js';

/** A Task used a port its handler file does not wire: add the factory to the handler and the port to TASK_PORTS. */
export class PortNotWiredError extends Error {
  constructor(
    readonly task: WorkflowTaskName,
    readonly port: HandlerPortName,
  ) {
    super(
      `${task}: the ${port} port is not wired in its handler; add the factory that provides it to the handler file and ${port} to TASK_PORTS.${task} (lambdas/handlers/environment.ts)`,
    );
    this.name = 'PortNotWiredError';
  }
}

/** Ports over one AWS service (or the runbooks), built from the environment; imported only by the handlers that need them. */
export interface PortFactory {
  /** The ports it fills in. */
  readonly provides: readonly HandlerPortName[];
  create(env: NodeJS.ProcessEnv): Partial<WorkflowPorts>;
}

/** Every method of the port rejects with {@link PortNotWiredError} (every port method is async). */
function notWired(task: WorkflowTaskName, port: HandlerPortName): never {
  const fail = async (): Promise<never> => {
    throw new PortNotWiredError(task, port);
  };
  return new Proxy({}, { get: (_target, key) => (key === 'then' ? undefined : fail) }) as never;
}

const FACTORY_PORTS = [
  'commands',
  'evidence',
  'notifier',
  'events',
  'targets',
  'alarms',
  'groups',
] as const satisfies readonly HandlerPortName[];

/** No runbooks (Intake lists their ids); classifying with it is a PortNotWiredError. */
function rulebookNotWired(task: WorkflowTaskName): CompiledRulebook {
  return new Proxy(
    { runbooks: [] },
    {
      get: (target, key) => {
        if (key === 'runbooks' || key === 'then')
          return (target as Record<PropertyKey, unknown>)[key];
        throw new PortNotWiredError(task, 'rulebook');
      },
    },
  ) as unknown as CompiledRulebook;
}

/**
 * The ports of one Task's Lambda: DynamoDB and settings, plus what `factories` provide;
 * anything else is a stub naming the missing wiring.
 * @example createAwsPorts('Collect', [ssmCommandPorts, s3EvidencePorts])
 */
export function createAwsPorts(
  task: WorkflowTaskName,
  factories: readonly PortFactory[],
  env: NodeJS.ProcessEnv = process.env,
  ddb: DynamoDBDocumentClient = documentClient(),
  clock: Clock = { now: () => new Date() },
): WorkflowPorts {
  const stateTable = requiredEnvironment(env, ENV.stateTable);
  const base = {
    audit: new DynamoDbAuditStore(ddb, requiredEnvironment(env, ENV.auditTable)),
    // Loaded on first use: Classify, Collect, Escalate and Complete take no lock, and carry none.
    locks: lazyPort<LockStore>(() =>
      import('../adapters/dynamodb/dynamodb-lock-store.js').then(
        (m) => new m.DynamoDbLockStore(ddb, stateTable, clock),
      ),
    ),
    state: new DynamoDbStateStore(ddb, stateTable, clock),
    config: resolveWorkflowConfig(workflowConfigFrom(env)),
    errorWording: awsErrorWording,
    // Results kept by reference; the S3 client is a few KiB over what DynamoDB's already loads.
    stateDocuments: new S3StateDocuments(
      s3ObjectsFrom(env),
      requiredEnvironment(env, ENV.evidenceBucket),
    ),
    caller: startExecutionIdentity(),
  };
  const stubs = {
    ...Object.fromEntries(FACTORY_PORTS.map((port) => [port, notWired(task, port)])),
    rulebook: rulebookNotWired(task),
  };
  return Object.assign(stubs, base, ...factories.map((f) => f.create(env))) as WorkflowPorts;
}
