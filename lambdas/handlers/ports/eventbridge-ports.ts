/** The `events` port: execution status events on the deployment's EventBridge bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgePublisherFrom } from '../../adapters/eventbridge/event-publisher.js';
import type { PortFactory } from '../aws-ports.js';

/** Publisher over EventBridge PutEvents, on the bus CDK names in PARAMEDIC_EVENT_BUS. */
export const eventBridgeEventPorts: PortFactory = {
  provides: ['events'],
  create: (env) => ({ events: eventBridgePublisherFrom(env, new EventBridgeClient({})) }),
};
