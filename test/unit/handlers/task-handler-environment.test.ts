import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { search } from '@aws-lambda-powertools/jmespath';
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
import { idempotencyKeyPath } from '../../../lambdas/handlers/idempotency.js';
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

describe('idempotency keys', () => {
  const input = {
    executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:x',
    state: { remediation: { nextStep: 2 } },
  };

  it.each(WORKFLOW_TASK_NAMES.filter(isIdempotentTask))(
    'the key path of %s parses and names the execution',
    (task) => {
      const key = search(idempotencyKeyPath(task), input) as unknown[];

      expect(key[0]).toBe(input.executionId);
    },
  );

  it('keys the remediation loop per step, and Verify apart from RemediateStep', () => {
    expect(search(idempotencyKeyPath('RemediateStep'), input)).toEqual([input.executionId, 2]);
    expect(search(idempotencyKeyPath('Verify'), input)).toEqual([input.executionId, 2, 'verify']);
    expect(search(idempotencyKeyPath('Collect'), input)).toEqual([input.executionId, 'Collect']);
  });

  it('keys RequestApproval on its task token: a retry waiting on a new token stores it instead of replaying the first result', () => {
    const first = search(idempotencyKeyPath('RequestApproval'), { ...input, taskToken: 'token-1' });
    const retry = search(idempotencyKeyPath('RequestApproval'), { ...input, taskToken: 'token-2' });

    expect(first).toEqual([input.executionId, 'RequestApproval', 'token-1']);
    expect(retry).not.toEqual(first);
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
