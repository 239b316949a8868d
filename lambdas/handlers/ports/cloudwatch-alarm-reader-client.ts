/** The CloudWatch client behind the `alarms` port, loaded with `import()` by cloudwatch-ports.ts (see lazy-port.ts for why a module of its own). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmReader } from '../../adapters/cloudwatch/cloudwatch-alarm-reader.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { AlarmStateReader } from '../../core/workflow/ports.js';
import { credentialsProviderFrom } from './spoke-credentials.js';

/** Alarm readings over CloudWatch DescribeAlarms: the function's own credentials at the hub, the spoke role's for a spoke's alarm. */
export function cloudWatchAlarmReader(env: NodeJS.ProcessEnv): AlarmStateReader {
  const clients = new LocatedClients(credentialsProviderFrom(env), (c) => new CloudWatchClient(c));
  return new CloudWatchAlarmReader((location) => clients.for(location));
}
