/**
 * The one Powertools logger and metrics every Lambda shares (one service name, one namespace).
 * Kept apart from task-handler.ts so a function that is not a workflow Task (approve.ts) can log
 * without bundling the workflow's ports.
 *
 * No Powertools Tracer: the functions run with Lambda active tracing (house-function.ts), which
 * records each invocation's segment (init, invocation, duration, errors) and links it to the Step
 * Functions trace. The Tracer only added a handler subsegment (no SDK client was ever captured)
 * and cost every bundle aws-xray-sdk-core, cls-hooked and semver (~100 KiB) plus their init time.
 * To trace SDK calls later, wrap the clients of the one function that needs it, not all of them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Shared by every function (one service name, one namespace). */
export const logger = new Logger({ serviceName: 'paramedic' });
/** Shared metrics (namespace Paramedic). */
export const metrics = new Metrics({ namespace: 'Paramedic', serviceName: 'paramedic' });
