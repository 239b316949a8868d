/**
 * The `notifier` port for RemediateStep, which publishes only when it runs a report step (action
 * target `none`); host and Kubernetes steps publish nothing. The SNS client (~30 KiB with its
 * query protocol) loads in its own chunk on the first notification, so the other steps' cold
 * starts do not load it. The steps that notify on every invocation wire sns-ports.ts directly.
 */
import type { Notifier } from '../../core/workflow/ports.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';
import { lazyPort } from './lazy-port.js';

/** SNS notifications, loaded on the first one. */
export const lazySnsNotifierPorts: PortFactory = {
  provides: ['notifier'],
  create: (env) => {
    // Read now, so a missing variable fails the cold start's port wiring as the eager factory does.
    requiredEnvironment(env, ENV.topicArn);
    return {
      notifier: lazyPort<Notifier>(
        async () => (await import('./sns-ports.js')).snsNotifierPorts.create(env).notifier!,
      ),
    };
  },
};
