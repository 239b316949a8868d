/**
 * The `alarms` port: an alarm's current reading (Verify), Intake's confirmation of an alarm event
 * and a composite alarm's children, read in the account and region the alarm came from (the spoke
 * role's credentials for a spoke's). A lazy port in its own chunk: a manual run's Intake never
 * loads the CloudWatch client.
 */
import type { AlarmStateReader } from '../../core/workflow/ports.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Alarm state over CloudWatch DescribeAlarms, of the hub or of the alarm's spoke. */
export const cloudWatchAlarmPorts: PortFactory = {
  provides: ['alarms'],
  create: (env) => ({
    alarms: lazyPort<AlarmStateReader>(async () =>
      (await import('./cloudwatch-alarm-reader-client.js')).cloudWatchAlarmReader(env),
    ),
  }),
};
