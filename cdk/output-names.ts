/**
 * The names of Paramedic's stack outputs and which of the two stacks holds each. Pure (no CDK
 * import): the CLI reads them to find the deployed resources without loading aws-cdk-lib.
 */

/** The outputs Paramedic publishes, by output id. */
export const OUTPUT_NAMES = [
  'StateMachineArn', 'AuditTableName', 'StateTableName', 'EvidenceBucketName', 'EventBusName', 'InstanceOutputPolicyArn', 'ApproveFunctionName',
] as const;
/** One of {@link OUTPUT_NAMES}. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Which stack publishes each output: stateful resources in the state stack, the rest in the pipeline stack. */
export const OUTPUT_STACK: Readonly<Record<OutputName, 'state' | 'pipeline'>> = {
  StateMachineArn: 'pipeline', EventBusName: 'pipeline', ApproveFunctionName: 'pipeline',
  AuditTableName: 'state', StateTableName: 'state', EvidenceBucketName: 'state', InstanceOutputPolicyArn: 'state',
};
