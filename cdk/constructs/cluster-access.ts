/**
 * Access to the configured EKS clusters for the functions that read and act on them.
 *
 * Per cluster, one EKS access entry per role (AWS::EKS::AccessEntry; the cluster's
 * authenticationMode must be API or API_AND_CONFIG_MAP):
 * - the collection roles (Intake, Collect, Verify): the read-only AmazonEKSViewPolicy at cluster scope,
 *   plus the `paramedic-collection` group, whose ClusterRole adds the cluster-scoped reads the
 *   view policy does not promise (nodes) and nothing that writes;
 * - the remediation role (RemediateStep): no access policy at all. The policies are fixed and
 *   coarse (AmazonEKSEditPolicy cannot patch cluster-scoped nodes yet can write secrets and every
 *   workload; AmazonEKSClusterAdminPolicy can do anything), so the role is only mapped to the
 *   `paramedic-remediation` group and docs/eks-rbac.yaml grants that group exactly the verbs the
 *   catalogue declares (patch nodes, create pods/eviction, delete pods, patch deployments, …).
 * Optionally the functions run in the VPC of private cluster endpoints.
 */
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { COLLECTION_GROUP, REMEDIATION_GROUP } from './cluster-rbac.js';

/** Read-only EKS access policy associated with the collection roles. */
export const VIEW_POLICY_ARN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

/** Subnets and security groups from which the functions reach private cluster endpoints. */
export interface ClusterNetwork {
  /** Private subnets with a route to the cluster endpoints (and to STS, EKS, SSM, S3 and DynamoDB, through endpoints or NAT). */
  readonly subnetIds: readonly string[];
  /** Security groups the cluster's control-plane security group accepts on 443. */
  readonly securityGroupIds: readonly string[];
}

/** Props of {@link ClusterAccess}. */
export interface ClusterAccessProps {
  /** EKS cluster names (from config `eksClusters`). */
  readonly clusters: readonly string[];
  /** Roles that read the cluster (Intake, Collect, Verify). */
  readonly collectionRoles: readonly iam.IRole[];
  /** The roles that run remediation actions (RemediateStep, and Escalate's rollback through their inverses). */
  readonly remediationRoles: readonly iam.IRole[];
  /**
   * Run these functions in the given subnets and security groups (private endpoints).
   * @default - none: the functions reach public endpoints from the Lambda service network
   */
  readonly network?: ClusterNetwork;
  /**
   * The functions to place in `network`; required with it.
   * @default - none
   */
  readonly networkFunctions?: readonly lambda.Function[];
}

/** A configuration that cannot work; the message says what to change. */
export class ClusterAccessError extends Error {
  constructor(message: string) {
    super(`ClusterAccess: ${message}`);
    this.name = 'ClusterAccessError';
  }
}

/** EKS access entries (and optional VPC placement) for the collection and remediation roles. */
export class ClusterAccess extends Construct {
  /** Access entries by cluster, collection roles first, remediation last. */
  public readonly accessEntries: ReadonlyMap<string, readonly eks.CfnAccessEntry[]>;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    if (props.network && !props.networkFunctions?.length)
      throw new ClusterAccessError(
        'network is set but networkFunctions is empty: name the functions that call the cluster API',
      );
    if (
      props.network &&
      (props.network.subnetIds.length === 0 || props.network.securityGroupIds.length === 0)
    )
      throw new ClusterAccessError(
        'network needs at least one subnet id and one security group id',
      );
    if (props.remediationRoles.length === 0)
      throw new ClusterAccessError(
        'give at least one remediation role (the function that wires the executors port)',
      );
    if (props.remediationRoles.some((r) => props.collectionRoles.includes(r)))
      throw new ClusterAccessError(
        'the remediation role must not also be a collection role (one access entry per principal and cluster)',
      );
    const entries = new Map<string, eks.CfnAccessEntry[]>();
    props.clusters.forEach((cluster, ci) => {
      const list: eks.CfnAccessEntry[] = props.collectionRoles.map(
        (role, ri) =>
          new eks.CfnAccessEntry(this, `Collect${ci}x${ri}`, {
            clusterName: cluster,
            principalArn: role.roleArn,
            type: 'STANDARD',
            kubernetesGroups: [COLLECTION_GROUP],
            accessPolicies: [{ policyArn: VIEW_POLICY_ARN, accessScope: { type: 'cluster' } }],
          }),
      );
      for (const [ri, role] of props.remediationRoles.entries())
        list.push(
          new eks.CfnAccessEntry(this, ri === 0 ? `Remediate${ci}` : `Remediate${ci}x${ri}`, {
            clusterName: cluster,
            principalArn: role.roleArn,
            type: 'STANDARD',
            kubernetesGroups: [REMEDIATION_GROUP],
          }),
        );
      entries.set(cluster, list);
    });
    this.accessEntries = entries;

    // eks:DescribeCluster (endpoint + CA) is granted by the functions' `cluster` port (port-bindings.ts).

    if (props.network) {
      for (const fn of props.networkFunctions ?? []) {
        const cfn = fn.node.defaultChild as lambda.CfnFunction;
        cfn.vpcConfig = {
          subnetIds: [...props.network.subnetIds],
          securityGroupIds: [...props.network.securityGroupIds],
        };
        // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's ENIs.
        fn.role?.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: [
              'ec2:CreateNetworkInterface',
              'ec2:DescribeNetworkInterfaces',
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            resources: ['*'],
          }),
        );
      }
    }
  }
}
