/**
 * Stack outputs with stable export names (`<exportPrefix>-<Name>`), so the CLI, scripts and other
 * stacks find the deployed resources by name, never by hand from the console.
 */
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { OutputName } from '../../lambdas/core/deployment/stack-names.js';

export { OUTPUT_NAMES, type OutputName } from '../../lambdas/core/deployment/stack-names.js';

/** Adds output `name` exported as `<exportPrefix>-<name>`. */
export function exportOutput(
  scope: Construct,
  exportPrefix: string,
  name: OutputName,
  value: string,
  description: string,
): CfnOutput {
  return new CfnOutput(scope, name, { value, description, exportName: `${exportPrefix}-${name}` });
}
