/**
 * The `events` port for steps that publish a status event on some paths only: RemediateStep (after
 * the last step, when it succeeded), Verify (when the fix cleared; otherwise Escalate publishes)
 * and Complete (when the execution failed).
 * The EventBridge client (~15 KiB) loads in its own chunk on the first event, so the other paths'
 * cold starts do not load it. The steps that publish on every invocation wire
 * eventbridge-ports.ts directly.
 */
import { eventBusNameFrom } from '../../adapters/eventbridge/event-bus-name.js';
import type { ExecutionEventPublisher } from '../../core/events/execution-events.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Status events on EventBridge, loaded on the first one. */
export const lazyEventBridgeEventPorts: PortFactory = {
  provides: ['events'],
  create: (env) => {
    // Read now, so a missing variable fails the port wiring as the eager factory does.
    eventBusNameFrom(env);
    return {
      events: lazyPort<ExecutionEventPublisher>(
        async () =>
          (await import('./eventbridge-ports.js')).eventBridgeEventPorts.create(env).events!,
      ),
    };
  },
};
