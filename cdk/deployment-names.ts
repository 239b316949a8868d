/**
 * The names one deployment gives its stacks, exports, SSM documents and event bus. With a
 * `deploymentName` every one of them is qualified, so two deployments coexist in one account and
 * region; without it the names are the historical ones.
 */
import { documentPrefixOf } from '../lambdas/core/collection/collector-documents.js';
import type { ParamedicConfig } from './config.js';

/** Every name that must differ between two deployments of one account and region. */
export interface DeploymentNames {
  readonly stateStackId: string;
  readonly pipelineStackId: string;
  /** The spoke stack (cdk/stacks/spoke-stack.ts), deployed to each spoke account/region. */
  readonly spokeStackId: string;
  /** Prefix of the CloudFormation export names of the stack outputs (`<prefix>-StateMachineArn`). */
  readonly exportPrefix: string;
  /** `Paramedic-` or `Paramedic-<deployment>-`. */
  readonly documentPrefix: string;
  /** The bus created when the config names no existing one. */
  readonly createdEventBusName: string;
}

/**
 * The names of a deployment.
 * @example deploymentNames({ deploymentName: 'prod' }).pipelineStackId // 'ParamedicPipeline-prod'
 */
export function deploymentNames(config: Pick<ParamedicConfig, 'deploymentName'>): DeploymentNames {
  const name = config.deploymentName;
  const suffix = name ? `-${name}` : '';
  return {
    stateStackId: `ParamedicState${suffix}`,
    pipelineStackId: `ParamedicPipeline${suffix}`,
    spokeStackId: `ParamedicSpoke${suffix}`,
    exportPrefix: `Paramedic${suffix}`,
    documentPrefix: documentPrefixOf(name),
    createdEventBusName: `paramedic${suffix}`,
  };
}
