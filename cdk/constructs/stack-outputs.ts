/**
 * Stack outputs with stable export names (`<exportPrefix>-<Name>`), so the CLI, scripts and other
 * stacks find the deployed resources by name, never by hand from the console.
 */
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The outputs Paramedic publishes, by output id. */
export const OUTPUT_NAMES = [
  'StateMachineArn', 'AuditTableName', 'StateTableName', 'EvidenceBucketName', 'EventBusName', 'InstanceOutputPolicyArn', 'ApproveFunctionName',
] as const;
/** One of {@link OUTPUT_NAMES}. */
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Adds output `name` exported as `<exportPrefix>-<name>`. */
export function exportOutput(scope: Construct, exportPrefix: string, name: OutputName, value: string, description: string): CfnOutput {
  return new CfnOutput(scope, name, { value, description, exportName: `${exportPrefix}-${name}` });
}
