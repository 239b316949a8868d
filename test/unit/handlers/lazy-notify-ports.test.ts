/**
 * The SNS notifier of RemediateStep and the EventBridge publisher of RemediateStep, Verify and
 * Complete load on the first message (lazy-sns-ports.ts, lazy-eventbridge-ports.ts): their cold
 * starts do not load the clients (bundle-size.test.ts), and the handlers, invoked as Lambda invokes
 * them on the paths that publish, still publish what the eager ports did. DynamoDB is dynalite;
 * SNS and EventBridge are aws-sdk-client-mock (no local server), which patches the client the lazy
 * import loads.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_BUS_ENV } from '../../../lambdas/adapters/eventbridge/event-publisher.js';
import { lazyEventBridgeEventPorts } from '../../../lambdas/handlers/ports/lazy-eventbridge-ports.js';
import { lazySnsNotifierPorts } from '../../../lambdas/handlers/ports/lazy-sns-ports.js';
import { ENV } from '../../../lambdas/handlers/environment.js';
import {
  acceptAllEvents,
  afterPlanInput,
  coldStart,
  deployedEnvironment,
  eventBridge,
  lambdaContext,
  LocalDynamo,
  REPORT_STEP_DONE,
  reportStepInput,
  setEnvironment,
} from './lambda-harness.js';

const sns = mockClient(SNSClient);
const dynamo = new LocalDynamo();
let tables: Awaited<ReturnType<LocalDynamo['tables']>>;
let restore: () => void = () => undefined;

beforeAll(() => dynamo.start());
afterAll(() => dynamo.stop());
beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  acceptAllEvents();
  tables = await dynamo.tables();
  restore = setEnvironment(deployedEnvironment(dynamo, tables));
});
afterEach(() => restore());

/** The `status` of each execution event published on the bus. */
function publishedStatuses(): string[] {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.Detail ?? '{}').status);
}

describe('RemediateStep: SNS and EventBridge loaded on the paths that publish', () => {
  it('a report step (action target none) notifies on SNS; the last step done publishes remediated', async () => {
    const handler = await coldStart('remediate-step.ts');

    const progress = await handler(reportStepInput(), lambdaContext('paramedic-RemediateStep'));

    expect(progress).toMatchObject(REPORT_STEP_DONE);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:paramedic-notifications',
        Subject: expect.stringContaining('report'),
      }),
    ]);
    expect(publishedStatuses()).toEqual(['remediated']);
  });
});

describe('Complete: EventBridge loaded on the path that publishes (a failed execution)', () => {
  it('a failed execution publishes failed and sends the report', async () => {
    const input = afterPlanInput();
    input.state.failure = { Error: 'States.TaskFailed', Cause: 'Collect timed out' };
    const handler = await coldStart('complete.ts');

    await handler(input, lambdaContext('paramedic-Complete'));

    expect(publishedStatuses()).toEqual(['failed']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('an execution that did not fail publishes no event and still sends the report', async () => {
    const handler = await coldStart('complete.ts');

    await handler(afterPlanInput(), lambdaContext('paramedic-Complete'));

    expect(publishedStatuses()).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('lazy ports: a missing variable fails the port wiring, not the first message', () => {
  it.each([
    ['lazySnsNotifierPorts', lazySnsNotifierPorts, ENV.topicArn],
    ['lazyEventBridgeEventPorts', lazyEventBridgeEventPorts, EVENT_BUS_ENV],
  ])('%s without %s', (_name, factory, variable) => {
    const { [variable]: _missing, ...without } = process.env;
    expect(() => factory.create(without)).toThrow(variable);
  });
});
