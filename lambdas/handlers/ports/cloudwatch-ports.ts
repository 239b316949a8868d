/** The `alarms` port: an alarm's current state, for verification. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../adapters/cloudwatch/cloudwatch-alarm-reader.js';
import type { PortFactory } from '../aws-ports.js';

/** Alarm state over CloudWatch DescribeAlarms. */
export const cloudWatchAlarmPorts: PortFactory = {
  provides: ['alarms'],
  create: () => ({ alarms: new CloudWatchAlarmReader(new CloudWatchClient({})) }),
};
