/**
 * IAM derived from the action catalogue: each action declares the IAM actions it needs
 * (lambdas/core/remediation/catalog.ts); this maps them to the narrowest resources the
 * configuration allows. SSM document permissions come from the documents' own grant.
 */
import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { listActions, type ActionTarget } from '../../lambdas/core/remediation/catalog.js';

/** Where the derived permissions may point. */
export interface RemediationScope {
  readonly topicArn: string;
  readonly eksClusters: readonly string[];
  /**
   * Only the actions on these targets (SSM documents and reports vs the Kubernetes/AWS executors).
   * @default - every action of the catalogue
   */
  readonly actionTargets?: readonly ActionTarget[];
}

/** An IAM action in the catalogue with no resource mapping here: add one, never fall back to `*` silently. */
export class UnmappedPermissionError extends Error {
  constructor(action: string, iamAction: string) {
    super(
      `action ${action} needs ${iamAction}, which cdk/constructs/remediation-permissions.ts does not map to resources; add it there`,
    );
    this.name = 'UnmappedPermissionError';
  }
}

/** ARN pattern of the node groups of one cluster (node names are not known at synth). */
export function nodegroupArnPattern(scope: Construct, cluster: string): string {
  return Arn.format(
    { service: 'eks', resource: 'nodegroup', resourceName: `${cluster}/*/*` },
    Stack.of(scope),
  );
}

/** Statements for every IAM action the catalogue declares (SSM document rights excluded). */
export function remediationStatements(
  scope: Construct,
  target: RemediationScope,
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const clusterArns = target.eksClusters.map((c) =>
    Arn.format({ service: 'eks', resource: 'cluster', resourceName: c }, stack),
  );
  const nodegroupArns = target.eksClusters.map((c) => nodegroupArnPattern(scope, c));
  const resourcesOf = (iamAction: string): string[] | undefined => {
    if (iamAction === 'ssm:SendCommand' || iamAction === 'ssm:GetCommandInvocation') return [];
    if (iamAction === 'sns:Publish') return [target.topicArn];
    if (iamAction === 'eks:DescribeCluster') return clusterArns;
    if (iamAction === 'eks:DescribeNodegroup' || iamAction === 'eks:UpdateNodegroupConfig')
      return nodegroupArns;
    // Describe* calls and TerminateInstanceInAutoScalingGroup take no narrower resource than the
    // group/instance ARN, which the catalogue cannot know at synth: scoped by condition below.
    if (iamAction.startsWith('autoscaling:') || iamAction.startsWith('ec2:Describe')) return ['*'];
    return undefined;
  };
  const byResources = new Map<string, Set<string>>();
  for (const action of listActions().filter(
    (a) => !target.actionTargets || target.actionTargets.includes(a.target),
  )) {
    for (const iamAction of action.permissions.iam) {
      const resources = resourcesOf(iamAction);
      if (resources === undefined) throw new UnmappedPermissionError(action.id, iamAction);
      if (resources.length === 0) continue;
      const key = resources.join(',');
      byResources.set(key, (byResources.get(key) ?? new Set()).add(iamAction));
    }
  }
  const statements: iam.PolicyStatement[] = [];
  for (const [key, actions] of byResources) {
    const sorted = [...actions].sort();
    const mutating: string[] = sorted.filter(
      (a) => a === 'autoscaling:TerminateInstanceInAutoScalingGroup',
    );
    const rest = sorted.filter((a) => !mutating.includes(a));
    if (rest.length)
      statements.push(new iam.PolicyStatement({ actions: rest, resources: key.split(',') }));
    if (mutating.length) {
      // Only instances of EKS node groups of the configured clusters may be terminated.
      statements.push(
        new iam.PolicyStatement({
          actions: mutating,
          resources: key.split(','),
          conditions: target.eksClusters.length
            ? {
                StringEquals: {
                  'autoscaling:ResourceTag/eks:cluster-name': [...target.eksClusters],
                },
              }
            : { StringEquals: { 'autoscaling:ResourceTag/paramedic:managed': 'true' } },
        }),
      );
    }
  }
  return statements;
}
