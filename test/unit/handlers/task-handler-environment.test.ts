import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  createAwsPorts,
  PortNotWiredError,
  type PortFactory,
} from '../../../lambdas/handlers/aws-ports.js';
import {
  ENV,
  handlerPorts,
  isIdempotentTask,
  TASK_HANDLER_FILES,
} from '../../../lambdas/handlers/environment.js';
import {
  WORKFLOW_TASK_NAMES,
  type WorkflowTaskName,
} from '../../../lambdas/core/workflow/task-names.js';
import { idempotencyKey } from '../../../lambdas/handlers/idempotency-key.js';
import {
  coldStart,
  deployedEnvironment,
  event,
  lambdaContext,
  LocalDynamo,
  setEnvironment,
} from './lambda-harness.js';

const dynamo = new LocalDynamo();
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void = () => undefined;

beforeAll(async () => {
  await dynamo.start();
  tables = await dynamo.tables();
});
afterAll(() => dynamo.stop());
afterEach(() => restore());

describe('workflow handlers with a misconfigured environment', () => {
  it.each([
    ['intake.ts', ENV.auditTable],
    ['collect.ts', ENV.evidenceBucket],
    ['classify.ts', ENV.evidenceBucket],
    ['acquire-lock.ts', ENV.stateTable],
    ['complete.ts', ENV.topicArn],
  ])(
    '%s without %s fails the invocation with a HandlerEnvironmentError naming the variable',
    async (file, variable) => {
      // Prepare
      restore = setEnvironment({ ...deployedEnvironment(dynamo, tables), [variable]: undefined });
      const handler = await coldStart(file);

      // Act
      const failure = handler(
        event('intake-manual-dry-run'),
        lambdaContext('paramedic-misconfigured'),
      );

      // Assess
      await expect(failure).rejects.toMatchObject({
        name: 'HandlerEnvironmentError',
        message: `environment variable ${variable} is not set; redeploy the pipeline stack (cdk deploy) so the function gets it`,
      });
    },
  );

  it.each([
    ['{"dryRun": true,', /is not JSON/],
    ['[true]', /must be a JSON object/],
  ])(
    'PARAMEDIC_CONFIG=%s fails with a HandlerEnvironmentError, not a bare SyntaxError',
    async (config, message) => {
      restore = setEnvironment({ ...deployedEnvironment(dynamo, tables), [ENV.config]: config });
      const handler = await coldStart('intake.ts');

      await expect(
        handler(event('intake-manual-dry-run'), lambdaContext('paramedic-Intake')),
      ).rejects.toMatchObject({
        name: 'HandlerEnvironmentError',
        message: expect.stringMatching(message),
      });
    },
  );

  it('a missing runbooks.json fails with the path in the message', async () => {
    restore = setEnvironment({
      ...deployedEnvironment(dynamo, tables),
      [ENV.runbooksJson]: '/nonexistent/runbooks.json',
    });
    const handler = await coldStart('plan.ts');

    await expect(
      handler(event('intake-manual-dry-run'), lambdaContext('paramedic-Plan')),
    ).rejects.toThrow(/RunbookJsonError|\/nonexistent\/runbooks\.json: cannot be read/);
  });

  it('once the environment is fixed, the next cold start works (nothing bad is cached across cold starts)', async () => {
    restore = setEnvironment({
      ...deployedEnvironment(dynamo, tables),
      [ENV.stateTable]: undefined,
    });
    await expect(
      (await coldStart('intake.ts'))(
        event('intake-manual-dry-run'),
        lambdaContext('paramedic-Intake'),
      ),
    ).rejects.toThrow(ENV.stateTable);
    restore();
    restore = setEnvironment(deployedEnvironment(dynamo, tables));

    await expect(
      (await coldStart('intake.ts'))(
        event('intake-manual-dry-run'),
        lambdaContext('paramedic-Intake'),
      ),
    ).resolves.toMatchObject({ mode: 'dry-run' });
  });
});

describe('idempotency keys (what the JMESPath expressions they replaced selected)', () => {
  const input = {
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:x',
    state: { remediation: { nextStep: 2 } },
  };

  it.each(WORKFLOW_TASK_NAMES.filter(isIdempotentTask))(
    'the key of %s names the execution',
    (task) => {
      expect(idempotencyKey(task, input)[0]).toBe(input.executionId);
    },
  );

  it('keys the remediation loop per step, and Verify apart from RemediateStep', () => {
    expect(idempotencyKey('RemediateStep', input)).toEqual([input.executionId, 2]);
    expect(idempotencyKey('Verify', input)).toEqual([input.executionId, 2, 'verify']);
    expect(idempotencyKey('Collect', input)).toEqual([input.executionId, 'Collect']);
    expect(idempotencyKey('Escalate', input)).toEqual([input.executionId, 'Escalate']);
  });

  it.each(['RequestApproval', 'CollectSend', 'VerifySend'] as const)(
    'keys %s on its task token: a retried waitForTaskToken Task waits on a new token and stores it instead of replaying the first result',
    (task) => {
      const first = idempotencyKey(task, { ...input, taskToken: 'token-1' });
      const retry = idempotencyKey(task, { ...input, taskToken: 'token-2' });

      expect(first).toEqual([input.executionId, task, 'token-1']);
      expect(retry).not.toEqual(first);
    },
  );

  it('a missing field is null in the key, as JMESPath had it, so records written before still answer', () => {
    expect(idempotencyKey('RemediateStep', { executionId: 'e' })).toEqual(['e', null]);
    expect(idempotencyKey('Verify', { executionId: 'e', state: { remediation: [] } })).toEqual([
      'e',
      null,
      'verify',
    ]);
    expect(idempotencyKey('RequestApproval', { executionId: 'e' })).toEqual([
      'e',
      'RequestApproval',
      null,
    ]);
    expect(idempotencyKey('Complete', 'not an object')).toEqual([null, 'Complete']);
    // A step number 0 is a value (JMESPath keeps falsy values), not a missing field.
    expect(
      idempotencyKey('RemediateStep', {
        executionId: 'e',
        state: { remediation: { nextStep: 0 } },
      }),
    ).toEqual(['e', 0]);
  });
});

describe('per-handler AWS ports', () => {
  it.each(Object.entries(TASK_HANDLER_FILES))(
    '%s (%s) wires exactly the ports TASK_PORTS declares',
    async (task, file) => {
      const { portFactories } = (await import(
        /* @vite-ignore */ pathToFileURL(join(REPO_ROOT, 'lambdas', 'handlers', file)).href
      )) as { portFactories: readonly PortFactory[] };

      expect(portFactories.flatMap((f) => f.provides).sort()).toEqual(
        handlerPorts(task as WorkflowTaskName).sort(),
      );
    },
  );

  it('a port the handler did not wire fails with a PortNotWiredError that says where to add it', async () => {
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    const ports = createAwsPorts('Plan', []);

    await expect(
      ports.notifier.notify({ kind: 'report', subject: 's', body: 'b' }),
    ).rejects.toThrow(PortNotWiredError);
    await expect(ports.targets!.instancesOfGroup('web-fleet')).rejects.toThrow(
      'Plan: the targets port is not wired in its handler; add the factory that provides it',
    );
  });
});

describe('handler wiring checks', () => {
  it('an idempotent Task built without the idempotency layer fails at cold start, naming the fix', async () => {
    const { createTaskHandler } = await import('../../../lambdas/handlers/task-handler.js');
    const { runCollect } = await import('../../../lambdas/core/workflow/steps/collect.js');
    expect(() => createTaskHandler('Collect', runCollect, {})).toThrow(/idempotentRetries/);
  });

  it('a Task without the idempotency port cannot be given the layer', async () => {
    const { createTaskHandler } = await import('../../../lambdas/handlers/task-handler.js');
    const { idempotentRetries } = await import('../../../lambdas/handlers/idempotency.js');
    const { runPlan } = await import('../../../lambdas/core/workflow/steps/plan.js');
    expect(() => createTaskHandler('Plan', runPlan, { idempotency: idempotentRetries })).toThrow(
      /does not declare the idempotency port/,
    );
  });

  it('the layer wraps the invocation only where the idempotency table is configured', async () => {
    const { idempotentRetries } = await import('../../../lambdas/handlers/idempotency.js');
    const invoke = async () => 'ran';
    restore = setEnvironment({
      ...deployedEnvironment(dynamo, tables),
      [ENV.idempotencyTable]: undefined,
    });
    expect(idempotentRetries('Collect', invoke)).toBeUndefined();
    restore();
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    expect(idempotentRetries('Collect', invoke)).toEqual(expect.any(Function));
  });

  it('the catalogue rulebook (Intake, Plan) lists runbooks but refuses compiled patterns with the fix', async () => {
    const { runbookCatalogPorts } = await import(
      '../../../lambdas/handlers/ports/runbook-catalog-ports.js'
    );
    restore = setEnvironment(deployedEnvironment(dynamo, tables));
    const rulebook = runbookCatalogPorts.create(process.env).rulebook!;

    expect(rulebook.runbooks.map((r) => r.id)).toContain('disk-full');
    expect(() => rulebook.patterns).toThrow(/needs runbookPorts/);
  });
});
