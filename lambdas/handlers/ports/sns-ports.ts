/** The `notifier` port: approval requests, escalations and reports on the project's SNS topic. */
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../../adapters/sns/sns-notifier.js';
import { requiredEnvironment, type PortFactory } from '../aws-ports.js';
import { ENV } from '../environment.js';

/** Notifier over SNS. */
export const snsNotifierPorts: PortFactory = {
  provides: ['notifier'],
  create: (env) => ({
    notifier: new SnsNotifier(new SNSClient({}), requiredEnvironment(env, ENV.topicArn)),
  }),
};
