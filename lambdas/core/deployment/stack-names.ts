/**
 * The names of a deployment's two stacks and of their outputs, and which stack holds each output:
 * the contract between the CDK app that creates them and the CLI that finds the deployed resources
 * by them (without loading aws-cdk-lib). Pure.
 */

/** The outputs Paramedic publishes, by output id. */
export const OUTPUT_NAMES = [
  'StateMachineArn',
  'AuditTableName',
  'StateTableName',
  'EvidenceBucketName',
  'EventBusName',
  'InstanceOutputPolicyArn',
  'ApproveFunctionName',
  'ApproveUrl',
] as const;
/** One of {@link OUTPUT_NAMES}. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Which stack publishes each output: stateful resources in the state stack, the rest in the pipeline stack. */
export const OUTPUT_STACK: Readonly<Record<OutputName, 'state' | 'pipeline'>> = {
  StateMachineArn: 'pipeline',
  EventBusName: 'pipeline',
  ApproveFunctionName: 'pipeline',
  ApproveUrl: 'pipeline',
  AuditTableName: 'state',
  StateTableName: 'state',
  EvidenceBucketName: 'state',
  InstanceOutputPolicyArn: 'state',
};

/** The stacks and export prefix of a deployment. */
export interface StackNames {
  readonly stateStackId: string;
  readonly pipelineStackId: string;
  /** Prefix of the CloudFormation export names of the stack outputs (`<prefix>-StateMachineArn`). */
  readonly exportPrefix: string;
}

/**
 * The stack names of the deployment `deploymentName` (absent: the historical unqualified names).
 * @example stackNamesOf('prod').pipelineStackId // 'ParamedicPipeline-prod'
 */
export function stackNamesOf(deploymentName: string | undefined): StackNames {
  const suffix = deploymentName ? `-${deploymentName}` : '';
  return {
    stateStackId: `ParamedicState${suffix}`,
    pipelineStackId: `ParamedicPipeline${suffix}`,
    exportPrefix: `Paramedic${suffix}`,
  };
}
