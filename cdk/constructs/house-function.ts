/**
 * The one way Paramedic makes a Lambda: NodejsFunction with fixed defaults (ARM64, Node 22, ESM,
 * esbuild with minification and source maps, explicit log group with retention, an explicit role
 * so no managed policy is attached, X-Ray active tracing) and the runbooks compiled to JSON beside the bundle.
 * `bind*` methods set an environment variable and the matching grant in one call, so the two
 * cannot drift apart.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { LAMBDA_ESBUILD_ARGS, LAMBDA_NODE_TARGET, REQUIRE_BANNER } from './lambda-bundling.js';
import { writeRunbookJson } from '../../lambdas/adapters/local/runbook-json-writer.js';
import { RUNBOOK_JSON_FILE } from '../../lambdas/core/runbook/runbook-json.js';

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

/** NodejsFunction with Paramedic's defaults. */
export class HouseFunction extends NodejsFunction {
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
    const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`] }));
    const shipRunbooks = props.shipRunbooks ?? true;
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.minutes(1),
      memorySize: props.memorySize ?? 512,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'paramedic',
        ...props.environment,
      },
      // Bundling decisions (SDK bundled, ESM, credential chain) are explained in lambda-bundling.ts.
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_NODE_TARGET,
        minify: true,
        sourceMap: true,
        // Maps without embedded sources: stack traces still map to files and lines, the asset stays small.
        sourcesContent: false,
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        esbuildArgs: { ...LAMBDA_ESBUILD_ARGS },
        // Runbooks ship as one JSON file beside the bundle (ports/runbook-ports.ts reads it), compiled
        // from runbooks/*.yaml here: validated at synth, so a broken runbook fails the synth, and the
        // function parses JSON at cold start instead of bundling a YAML parser and the schema.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => shipRunbooks
            ? [`cp "${writeRunbookJson(join(REPO_ROOT, 'runbooks'))}" "${outputDir}/${RUNBOOK_JSON_FILE}"`]
            : [],
        },
      },
    });
    this.executionRole = role;
    this.functionLogGroup = logGroup;
  }

  /** Sets `envName` to the table name and grants `access`. */
  bindTable(table: dynamodb.ITable, envName: string, access: 'read' | 'readWrite' = 'readWrite'): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Sets `envName` to the bucket name and grants read or read/write (objects only). */
  bindBucket(bucket: s3.IBucket, envName: string, access: 'read' | 'readWrite' = 'readWrite'): this {
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
