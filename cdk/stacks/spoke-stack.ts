/**
 * The spoke: what one account and region needs so the hub's workflow can act there. A role the
 * hub's functions assume (trusting only the hub's pipeline roles, with an ExternalId) with exactly
 * the SSM, EKS, Auto Scaling, EC2 and CloudWatch calls the hub's adapters make; the project's SSM documents
 * (the same construct and names as the hub's); a bucket for full command output that the role
 * reads back; the rule that forwards the account's CloudWatch alarm state changes to the hub's bus.
 *
 * StackSets-friendly: no assets (nothing to upload, no bootstrap: BootstraplessSynthesizer), no
 * lookups, and what differs per organization (hub account, hub bus, ExternalId) is a
 * CloudFormation parameter, so one synthesized template deploys everywhere unchanged.
 */
import {
  Aws,
  BootstraplessSynthesizer,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { spokeOutputBucketName, spokeRoleName } from '../../lambdas/adapters/sts/spoke-role.js';
import type { ParamedicConfig } from '../config.js';
import type { DeploymentNames } from '../deployment-names.js';
import { alarmEventPattern } from '../constructs/alarm-intake.js';
import { COLLECTION_GROUP, REMEDIATION_GROUP } from '../constructs/cluster-rbac.js';
import { alarmArnPattern } from '../constructs/port-bindings.js';
import { VIEW_POLICY_ARN } from '../constructs/cluster-access.js';
import { ActionDocuments, CollectorDocuments } from '../constructs/command-documents.js';
import { remediationStatements } from '../constructs/remediation-permissions.js';

/** Props of the spoke stack. */
export interface SpokeStackProps extends StackProps {
  readonly config: ParamedicConfig;
  readonly names: DeploymentNames;
}

/** Role, documents, output bucket and alarm forwarding of one spoke account/region. */
export class SpokeStack extends Stack {
  /** The role the hub assumes. */
  public readonly role: iam.Role;
  /** Forwards CloudWatch alarm state changes to the hub's bus. */
  public readonly forwardRule: events.Rule;
  /** Events the hub's bus refused or that could not be delivered. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly collectorDocuments: CollectorDocuments;
  public readonly actionDocuments: ActionDocuments;
  /** Full SSM output of the spoke's hosts (read back by the hub through the role). */
  public readonly outputBucket: s3.Bucket;
  /** Attach to the instance roles of the spoke's managed hosts. */
  public readonly instanceOutputPolicy: iam.ManagedPolicy;
  /** The spoke's EKS clusters the role has access entries on (config spokes.eksClusters). */
  public readonly eksClusters: readonly string[];

  constructor(scope: Construct, id: string, props: SpokeStackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer({}) });
    const { config, names } = props;
    const spokes = config.spokes;
    const hubAccount = new CfnParameter(this, 'HubAccountId', {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      description: 'The account that runs the Paramedic workflow (the hub)',
      ...(config.account ? { default: config.account } : {}),
    });
    const hubBusArn = new CfnParameter(this, 'HubEventBusArn', {
      type: 'String',
      allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[\\w.\\-/]{1,256}$',
      description: "The hub's Paramedic bus (stack output EventBusName of the hub, as an ARN)",
      ...(config.account && config.region
        ? {
            default: `arn:aws:events:${config.region}:${config.account}:event-bus/${config.eventBusName ?? names.createdEventBusName}`,
          }
        : {}),
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      noEcho: true,
      allowedPattern: '^[\\w+=,.@:\\/-]{16,1224}$',
      minLength: 16,
      description: 'The ExternalId the hub passes to sts:AssumeRole (config spokes.externalId)',
      ...(spokes ? { default: spokes.externalId } : {}),
    });
    // Only the hub's pipeline functions (their roles are named after the pipeline stack), and only with the ExternalId.
    const hubRoles = Fn.sub(
      `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/${names.pipelineStackId}-*`,
    );
    this.role = new iam.Role(this, 'HubAccessRole', {
      roleName: spokeRoleName(config.deploymentName, Aws.REGION),
      description:
        'Assumed by the Paramedic hub to collect evidence and remediate in this account and region',
      assumedBy: new iam.AccountPrincipal(hubAccount.valueAsString).withConditions({
        StringEquals: { 'sts:ExternalId': externalId.valueAsString },
        ArnLike: { 'aws:PrincipalArn': hubRoles },
      }),
      maxSessionDuration: Duration.hours(1),
    });

    const documentProps = {
      documentPrefix: names.documentPrefix,
      managedInstanceTag: config.managedInstanceTag,
    };
    this.collectorDocuments = new CollectorDocuments(this, 'CollectorDocuments', documentProps);
    this.actionDocuments = new ActionDocuments(this, 'ActionDocuments', documentProps);
    this.collectorDocuments.grantRun(this.role);
    this.actionDocuments.grantRun(this.role);

    this.outputBucket = new s3.Bucket(this, 'CommandOutput', {
      bucketName: spokeOutputBucketName(config.deploymentName, Aws.ACCOUNT_ID, Aws.REGION),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Raw output is copied into the hub's evidence bundles: it is kept only as long as the hub's raw output.
      lifecycleRules: [{ expiration: Duration.days(config.retentionDays) }],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.outputBucket.arnForObjects('ssm-output/*')],
      }),
    );
    this.instanceOutputPolicy = new iam.ManagedPolicy(this, 'InstanceOutputPolicy', {
      description:
        'Lets the SSM agent on a Paramedic-managed host of this spoke write command output to the spoke bucket',
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.outputBucket.arnForObjects('ssm-output/*')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetEncryptionConfiguration'],
          resources: [this.outputBucket.bucketArn],
        }),
      ],
      roles: config.instanceRoleNames.map((name, i) =>
        iam.Role.fromRoleName(this, `InstanceRole${i}`, name),
      ),
    });

    // What the hub's adapters call here: the target directory, the cluster reader, the node actions.
    const clusters = spokes?.eksClusters ?? [];
    this.eksClusters = clusters;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'ec2:DescribeInstances',
        ],
        resources: ['*'],
      }),
    );
    // Intake confirms a forwarded alarm here (its state, or its history when it has left ALARM since)
    // and reads a composite's children, Verify the forwarded alarm itself: by name, on this account
    // and region's alarms only (a child's name is any name).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: [alarmArnPattern(this)],
      }),
    );
    // Reports notify from the hub: no topic in the spoke, so the `none` actions are left out.
    for (const s of remediationStatements(this, {
      topicArn: '',
      eksClusters: clusters,
      actionTargets: ['kubernetes', 'aws'],
    }))
      this.role.addToPolicy(s);
    for (const [i, cluster] of clusters.entries())
      new eks.CfnAccessEntry(this, `ClusterAccess${i}`, {
        clusterName: cluster,
        principalArn: this.role.roleArn,
        type: 'STANDARD',
        kubernetesGroups: [COLLECTION_GROUP, REMEDIATION_GROUP],
        accessPolicies: [{ policyArn: VIEW_POLICY_ARN, accessScope: { type: 'cluster' } }],
      });

    // Alarms of this account and region go to the hub's bus, filtered here so only ours travel.
    const hubBus = events.EventBus.fromEventBusArn(this, 'HubBus', hubBusArn.valueAsString);
    const forwardRole = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: "Puts this account's alarm state changes on the Paramedic hub bus",
    });
    forwardRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [hubBusArn.valueAsString],
      }),
    );
    this.deadLetterQueue = new sqs.Queue(this, 'ForwardDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.forwardRule = new events.Rule(this, 'ForwardAlarms', {
      description: 'Paramedic spoke: CloudWatch alarms entering ALARM, forwarded to the hub',
      eventPattern: alarmEventPattern(config.alarmNamePrefixes),
      targets: [
        new targets.EventBus(hubBus, { role: forwardRole, deadLetterQueue: this.deadLetterQueue }),
      ],
    });

    new CfnOutput(this, 'SpokeRoleArn', {
      value: this.role.roleArn,
      description: 'The role the hub assumes here',
    });
    new CfnOutput(this, 'InstanceOutputPolicyArn', {
      value: this.instanceOutputPolicy.managedPolicyArn,
      description: 'Attach to the instance profile role of every managed host of this spoke',
    });
  }
}
