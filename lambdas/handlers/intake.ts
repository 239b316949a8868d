/** Lambda for the workflow's Intake state: Normalizes the alarm or manual input, resolves targets, de-duplicates deliveries. */
import { autoScalingTargetPorts } from './ports/autoscaling-ports.js';
import { ec2ManagedTagPorts } from './ports/ec2-managed-tag-ports.js';
import { eksClusterPorts } from './ports/eks-ports.js';
import { runbookCatalogPorts } from './ports/runbook-catalog-ports.js';
import { eventBridgeEventPorts } from './ports/eventbridge-ports.js';
import { cloudWatchAlarmPorts } from './ports/cloudwatch-ports.js';
import { runIntake } from '../core/workflow/steps/intake.js';
import { createTaskHandler } from './task-handler.js';

/** The ports beyond DynamoDB this step uses (TASK_PORTS.Intake); only their SDK clients are bundled. */
export const portFactories = [
  autoScalingTargetPorts,
  ec2ManagedTagPorts,
  runbookCatalogPorts,
  eksClusterPorts,
  eventBridgeEventPorts,
  cloudWatchAlarmPorts,
];

/** Entry point (middy + Powertools; see task-handler.ts). */
export const handler = createTaskHandler('Intake', runIntake, { portFactories });
