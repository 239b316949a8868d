/**
 * The one Powertools logger, metrics and tracer every Lambda shares (one service name, one
 * namespace). Kept apart from task-handler.ts so a function that is not a workflow Task (approve.ts)
 * can log without bundling the workflow's ports.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** Shared by every function (one service name, one namespace). */
export const logger = new Logger({ serviceName: 'paramedic' });
/** Shared metrics (namespace Paramedic). */
export const metrics = new Metrics({ namespace: 'Paramedic', serviceName: 'paramedic' });
/** Shared tracer. */
export const tracer = new Tracer({ serviceName: 'paramedic' });
