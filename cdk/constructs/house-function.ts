/**
 * The one way Paramedic makes a Lambda: a Node 22 function with fixed defaults (ARM64, explicit log
 * group with retention, an explicit role so no managed policy is attached, X-Ray active tracing),
 * bundled at synth by lambda-bundling.ts (ESM with code splitting, which NodejsFunction's
 * single-file esbuild run cannot do) and the runbooks compiled to JSON beside the bundle.
 * `bind*` methods set an environment variable and the matching grant in one call, so the two
 * cannot drift apart.
 */
import {
  AssetHashType,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { bundleLambda, LAMBDA_ENTRY_FILE } from './lambda-bundling.js';
import { writeRunbookJson } from '../../lambdas/adapters/local/runbook-json-writer.js';
import { RUNBOOK_JSON_FILE } from '../../lambdas/core/runbook/runbook-json.js';

/** Lambda's limit on a function's environment variables, names and values together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/**
 * What a reference resolved at deploy (a table name, an ARN, a bus name) is counted as: longer
 * than the names CloudFormation generates here, shorter than the longest ARN it could be.
 */
const UNRESOLVED_REFERENCE_BYTES = 128;

/**
 * The bytes of a function's variables as the synthesized template gives them (resolved): a value
 * CloudFormation computes at deploy (`Ref`, `Fn::GetAtt`, `Fn::Join`) counts as
 * {@link UNRESOLVED_REFERENCE_BYTES}.
 */
export function environmentBytes(variables: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(variables))
    bytes +=
      Buffer.byteLength(name) +
      (typeof value === 'string' ? Buffer.byteLength(value) : UNRESOLVED_REFERENCE_BYTES);
  return bytes;
}

/** Props of a house function. */
export interface HouseFunctionProps {
  /** Handler file, relative to the repository root (e.g. `lambdas/handlers/collect.ts`). */
  readonly entry: string;
  /** @default 1 minute */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Log retention. @default 90 days */
  readonly logRetention?: logs.RetentionDays;
  /** Extra environment variables. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Ship `runbooks.json` (runbooks/*.yaml validated and compiled at bundling) beside the bundle (functions that classify or plan). @default true */
  readonly shipRunbooks?: boolean;
  /** Key that encrypts the log group. @default none */
  readonly logKey?: kms.IKey;
  /** Concurrent executions reserved for (and capped at) this function. @default none */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Local bundling of one function: `entry` bundled into the asset directory by {@link bundleLambda},
 * plus `runbooks.json` (compiled from runbooks/*.yaml here: validated at synth, so a broken runbook
 * fails the synth, and the function parses JSON at cold start instead of bundling a YAML parser).
 *
 * A class with the entry as data, not an object literal with only `tryBundle`: CDK reuses a staged
 * asset for the same cache key, the JSON of the bundling options, where a function leaves no trace.
 * With only a function every HouseFunction had one key and got the first function's bundle.
 */
class HouseLocalBundling implements ILocalBundling {
  constructor(
    /** Handler file, relative to the repository root. */
    readonly entry: string,
    /** Whether `runbooks.json` ships beside the bundle. */
    readonly shipRunbooks: boolean,
  ) {}

  tryBundle(outputDir: string): boolean {
    bundleLambda(REPO_ROOT, this.entry, outputDir);
    if (this.shipRunbooks) {
      const compiled = writeRunbookJson(join(REPO_ROOT, 'runbooks'));
      copyFileSync(compiled, join(outputDir, RUNBOOK_JSON_FILE));
      rmSync(dirname(compiled), { recursive: true, force: true });
    }
    return true;
  }
}

/**
 * The function's code, bundled by {@link HouseLocalBundling}. CDK skips it for stacks outside
 * `aws:cdk:bundling-stacks`, as it does NodejsFunction's.
 */
function bundledCode(entry: string, shipRunbooks: boolean): lambda.Code {
  return lambda.Code.fromAsset(REPO_ROOT, {
    // Hash the bundle, not the repository (node_modules included) it is built from.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always answers (esbuild is a dependency of the project).
      image: DockerImage.fromRegistry('paramedic-local-bundling-only'),
      local: new HouseLocalBundling(entry, shipRunbooks),
    },
  });
}

/** A Lambda function with Paramedic's defaults. */
export class HouseFunction extends lambda.Function {
  /** The function's explicit role (its policies hold every grant). */
  public readonly executionRole: iam.Role;
  /** The function's log group. */
  public readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logKey ? { encryptionKey: props.logKey } : {}),
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
      }),
    );
    const shipRunbooks = props.shipRunbooks ?? true;
    super(scope, id, {
      code: bundledCode(props.entry, shipRunbooks),
      handler: `${LAMBDA_ENTRY_FILE.replace(/\.mjs$/, '')}.handler`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.minutes(1),
      memorySize: props.memorySize ?? 512,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'paramedic',
        ...props.environment,
      },
    });
    this.executionRole = role;
    this.functionLogGroup = logGroup;
    // Lambda refuses a function whose variables add up to more than 4 KB, at deploy; say so at synth.
    this.node.addValidation({
      validate: () => {
        const environment = Stack.of(this).resolve(
          (this.node.defaultChild as lambda.CfnFunction).environment,
        ) as { variables?: Record<string, unknown> } | undefined;
        const bytes = environmentBytes(environment?.variables ?? {});
        return bytes > LAMBDA_ENVIRONMENT_MAX_BYTES
          ? [
              `${this.node.path}: its environment variables come to about ${bytes} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_MAX_BYTES}-byte limit; shorten what the configuration puts there (eksClusters, alarmNamePrefixes, collectorLogs, deploymentName)`,
            ]
          : [];
      },
    });
  }

  /** Sets `envName` to the table name and grants `access`. */
  bindTable(
    table: dynamodb.ITable,
    envName: string,
    access: 'read' | 'readWrite' = 'readWrite',
  ): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Sets `envName` to the bucket name and grants read or read/write (objects only). */
  bindBucket(
    bucket: s3.IBucket,
    envName: string,
    access: 'read' | 'readWrite' = 'readWrite',
  ): this {
    this.addEnvironment(envName, bucket.bucketName);
    if (access === 'read') bucket.grantRead(this);
    else {
      bucket.grantRead(this);
      bucket.grantPut(this);
    }
    return this;
  }

  /** Sets `envName` to the topic ARN and grants publish. */
  bindTopic(topic: sns.ITopic, envName: string): this {
    this.addEnvironment(envName, topic.topicArn);
    topic.grantPublish(this);
    return this;
  }
}
