/**
 * The deployed stack's resource names, read from its CloudFormation outputs (DescribeStacks on the
 * state and pipeline stacks of one deployment), so no command needs a name copied from the console.
 * Each stack is described at most once per command, and only when one of its outputs is asked for.
 */
import {
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { awsErrorMessage } from '../../lambdas/adapters/aws-sdk/aws-error-message.js';
import {
  OUTPUT_STACK,
  stackNamesOf,
  type OutputName,
} from '../../lambdas/core/deployment/stack-names.js';

/** The stack is missing, not finished, or lacks an output; the message says what to run or pass. */
export class DeployedStackError extends Error {
  /** True when the command line was wrong (exit code 2), not the stack. */
  readonly usage: boolean;
  constructor(message: string, options?: { cause?: unknown; usage?: boolean }) {
    super(message, options);
    this.name = 'DeployedStackError';
    this.usage = options?.usage ?? false;
  }
}

const DEPLOYMENT = /^[a-z][a-z0-9]{0,15}$/;
const STACK_PREFIX = /^Paramedic(?:Pipeline|State)?(?:-(.*))?$/;

/**
 * `--stack` / `$PARAMEDIC_STACK` to a deployment name: the name given to `cdk deploy -c
 * deploymentName=…`, or either stack's name (`ParamedicPipeline-prod`). Absent or a bare stack name: the unnamed deployment.
 * @example deploymentOfStackFlag('ParamedicPipeline-prod') // 'prod'
 * @throws DeployedStackError when it names no possible deployment.
 */
export function deploymentOfStackFlag(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const prefixed = STACK_PREFIX.exec(value);
  const deployment = prefixed ? prefixed[1] : value;
  if (deployment === undefined) return undefined;
  if (!DEPLOYMENT.test(deployment)) {
    throw new DeployedStackError(
      `--stack must be a deployment name (1-16 lower-case letters and digits, as in "cdk deploy -c deploymentName=prod") or a stack name like ParamedicPipeline-prod; got ${JSON.stringify(value.slice(0, 80))}`,
      { usage: true },
    );
  }
  return deployment;
}

type Cfn = Pick<CloudFormationClient, 'send'>;

/** One deployment's outputs, looked up on demand. */
export class DeployedStack {
  private readonly described = new Map<
    'state' | 'pipeline',
    Promise<ReadonlyMap<string, string>>
  >();
  private readonly names;

  /** @param where for messages: the region the client talks to, when known. */
  constructor(
    private readonly cfn: Cfn,
    readonly deployment: string | undefined,
    private readonly where = 'the configured region',
  ) {
    this.names = stackNamesOf(deployment);
  }

  /** The CloudFormation name of the stack that holds `name`. */
  stackOf(name: OutputName): string {
    return OUTPUT_STACK[name] === 'state' ? this.names.stateStackId : this.names.pipelineStackId;
  }

  /** The value of output `name`; `flag` names the option that would override it, for the message. */
  async output(name: OutputName, flag?: string): Promise<string> {
    const which = OUTPUT_STACK[name];
    let outputs = this.described.get(which);
    if (!outputs) {
      outputs = this.describe(this.stackOf(name));
      this.described.set(which, outputs);
    }
    const value = (await outputs).get(name);
    if (value) return value;
    const status = (await outputs).get('@status');
    throw new DeployedStackError(
      `stack ${this.stackOf(name)} has no output ${name} (status ${status}): ${status?.endsWith('_COMPLETE') && !status.includes('ROLLBACK') ? 'it was deployed by an older Paramedic; redeploy with "npx cdk deploy --all"' : 'wait for its deployment to finish, or fix it and run "npx cdk deploy --all"'}${flag ? `, or pass ${flag}` : ''}`,
    );
  }

  private async describe(stackName: string): Promise<ReadonlyMap<string, string>> {
    let stack: Stack | undefined;
    try {
      stack = (await this.cfn.send(new DescribeStacksCommand({ StackName: stackName })))
        .Stacks?.[0];
    } catch (error) {
      // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
      if (
        (error as Error).name === 'ValidationError' &&
        /does not exist/.test((error as Error).message)
      )
        stack = undefined;
      else
        throw new DeployedStackError(
          `could not read stack ${stackName} in ${this.where} (${awsErrorMessage(error)}); check your AWS credentials and region (--region)`,
          { cause: error },
        );
    }
    if (!stack) {
      throw new DeployedStackError(
        `stack ${stackName} does not exist in ${this.where}: deploy with "npx cdk deploy --all"${this.deployment ? '' : ', or name your deployment with --stack <deploymentName> (or $PARAMEDIC_STACK)'} and the region with --region`,
      );
    }
    const outputs = new Map<string, string>([['@status', String(stack.StackStatus)]]);
    for (const o of stack.Outputs ?? [])
      if (o.OutputKey && o.OutputValue) outputs.set(o.OutputKey, o.OutputValue);
    return outputs;
  }
}
