/**
 * The `alarms` port: an alarm's current reading (Verify), a composite alarm's children (Intake).
 * A lazy port in its own chunk: Intake needs it only for composite alarms, so an ordinary alarm's
 * cold start does not load the CloudWatch client.
 */
import type { AlarmStateReader } from '../../core/workflow/ports.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Alarm state over CloudWatch DescribeAlarms. */
export const cloudWatchAlarmPorts: PortFactory = {
  provides: ['alarms'],
  create: () => ({
    alarms: lazyPort<AlarmStateReader>(async () =>
      (await import('./cloudwatch-alarm-reader-client.js')).cloudWatchAlarmReader(),
    ),
  }),
};
