/**
 * The AWS side of one `--aws` command: which deployment and region, the SDK clients it needs
 * (created on first use, with your usual credential chain), the deployed stack's outputs and who
 * you are to IAM. Only this module and the ones it imports load the SDK, and only under `--aws`.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  S3ObjectClient,
  type S3ObjectClientOptions,
} from '../../lambdas/adapters/s3/s3-object-client.js';
import { DeployedStack, deploymentOfStackFlag } from './deployed-stack.js';

/** `--stack`, `--region` and the environment defaults they fall back to. */
export interface AwsLocation {
  /** `--stack`: a deployment name or stack name (default `$PARAMEDIC_STACK`, else the unnamed deployment). */
  readonly stack?: string;
  /** `--region` (default: the SDK's chain, `$AWS_REGION` / the profile). */
  readonly region?: string;
}

/** Client settings for the stores a test (or an unusual setup) points elsewhere: dynalite, s3rver (path-style). */
export interface AwsClientOverrides {
  readonly dynamodb?: Partial<DynamoDBClientConfig>;
  readonly s3?: Partial<S3ObjectClientOptions>;
}

/** The clients and names of one `--aws` command. */
export class AwsSession {
  /** The deployment whose stacks are read (undefined: the unnamed one). */
  readonly deployment: string | undefined;
  private readonly base: { region?: string };
  private readonly clients = new Map<string, unknown>();
  private stackOutputs?: DeployedStack;
  private caller?: Promise<string>;

  /** @throws DeployedStackError when `--stack` names no possible deployment (a usage error). */
  constructor(
    location: AwsLocation,
    private readonly overrides: AwsClientOverrides = {},
  ) {
    this.deployment = deploymentOfStackFlag(location.stack ?? process.env.PARAMEDIC_STACK);
    this.base = location.region ? { region: location.region } : {};
  }

  private client<T>(key: string, make: () => T): T {
    if (!this.clients.has(key)) this.clients.set(key, make());
    return this.clients.get(key) as T;
  }

  /** Step Functions (StartExecution, DescribeExecution). */
  get stepFunctions(): SFNClient {
    return this.client('sfn', () => new SFNClient(this.base));
  }
  /** Lambda (its resolved region and credentials sign the approve URL request). */
  get lambda(): LambdaClient {
    return this.client('lambda', () => new LambdaClient(this.base));
  }
  /** The audit and state tables, with the pipeline's own marshalling options. */
  get documentClient(): DynamoDBDocumentClient {
    return this.client('ddb', () =>
      DynamoDBDocumentClient.from(
        new DynamoDBClient({ ...this.base, ...this.overrides.dynamodb }),
        { marshallOptions: { removeUndefinedValues: true } },
      ),
    );
  }
  /** The evidence bucket. */
  get s3(): S3ObjectClient {
    return this.client('s3', () => {
      // Signed as your usual chain resolves it (the same identity approve-on-aws signs with).
      const { region, credentials } = this.lambda.config;
      return new S3ObjectClient({ region, credentials, ...this.overrides.s3 });
    });
  }

  /** The deployed stack's outputs. */
  get stack(): DeployedStack {
    this.stackOutputs ??= new DeployedStack(
      new CloudFormationClient(this.base),
      this.deployment,
      this.base.region ? `region ${this.base.region}` : 'the configured region',
    );
    return this.stackOutputs;
  }

  /** Your IAM principal's ARN (STS GetCallerIdentity): the identity approvals and runs are recorded under. */
  callerArn(): Promise<string> {
    this.caller ??= new STSClient(this.base).send(new GetCallerIdentityCommand({})).then((out) => {
      if (!out.Arn)
        throw new Error('STS GetCallerIdentity returned no ARN; check your AWS credentials');
      return out.Arn;
    });
    return this.caller;
  }
}
