/** The CloudWatch client behind the `alarms` port, loaded with `import()` by cloudwatch-ports.ts (see lazy-port.ts for why a module of its own). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../adapters/cloudwatch/cloudwatch-alarm-reader.js';
import type { AlarmStateReader } from '../../core/workflow/ports.js';

/** Alarm readings over CloudWatch DescribeAlarms with the function's credentials. */
export function cloudWatchAlarmReader(): AlarmStateReader {
  return new CloudWatchAlarmReader(new CloudWatchClient({}));
}
