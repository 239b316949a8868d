/**
 * The names one deployment gives its stacks, exports, SSM documents and event bus. With a
 * `deploymentName` every one of them is qualified, so two deployments coexist in one account and
 * region; without it the names are the historical ones.
 */
import { documentPrefixOf } from '../lambdas/core/collection/collector-documents.js';
import { stackNamesOf, type StackNames } from '../lambdas/core/deployment/stack-names.js';
import type { ParamedicConfig } from './config.js';

/** Every name that must differ between two deployments of one account and region. */
export interface DeploymentNames extends StackNames {
  /** The spoke stack (cdk/stacks/spoke-stack.ts), deployed to each spoke account/region. */
  readonly spokeStackId: string;
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
  const names = stackNamesOf(name);
  return {
    ...names,
    spokeStackId: `ParamedicSpoke${name ? `-${name}` : ''}`,
    documentPrefix: documentPrefixOf(name),
    createdEventBusName: `paramedic${name ? `-${name}` : ''}`,
  };
}
