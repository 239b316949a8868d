import {
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeNodegroupCommand, UpdateNodegroupConfigCommand } from '@aws-sdk/client-eks';
import { instanceIdFromProviderId } from '../../core/kubernetes/alarm-targets.js';
import type { Node } from '../../core/kubernetes/types.js';
import { apiRequest, result, stringParam, type ActionExecutor } from './executor.js';
import { abortOn } from './request-timeout.js';
import { describeFailure } from './node-actions.js';

/** The EC2 instance id in a node's providerID (`aws:///eu-west-1a/i-0abc...`). */
export function instanceIdOf(node: Node): string | undefined {
  return instanceIdFromProviderId(node.spec?.providerID);
}

const isReady = (n: Node) =>
  (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * node-replace: terminates the node's instance through its Auto Scaling group (desired capacity
 * kept, so the group launches a replacement). Refused when the node is the last Ready node of
 * its group.
 */
export const replaceNode: ActionExecutor = {
  actionId: 'node-replace',
  async execute(params, ctx) {
    const name = stringParam('node-replace', params, 'node', ctx.target?.node);
    if (!ctx.autoScaling)
      return result(
        'failed',
        'node-replace needs an Auto Scaling client in the execution context',
        ctx.dryRun,
      );
    const c = await ctx.kube.clients();
    let nodes: Node[];
    try {
      nodes = ((
        await apiRequest(ctx, 'list nodes', (signal) => c.core.listNode({}, abortOn(signal)))
      ).items ?? []) as unknown as Node[];
    } catch (error) {
      return result(
        'failed',
        `could not list nodes (${describeFailure(error)}); nothing changed`,
        ctx.dryRun,
      );
    }
    const node = nodes.find((n) => n.metadata?.name === name);
    if (!node)
      return result(
        'unchanged',
        `node ${name} is no longer in the cluster (already replaced?); nothing to do`,
        ctx.dryRun,
      );
    const instanceId = instanceIdOf(node);
    if (!instanceId)
      return result(
        'failed',
        `node ${name} has no EC2 providerID (${node.spec?.providerID ?? 'none'}); it is not an Auto Scaling instance`,
        ctx.dryRun,
      );
    try {
      const asi = await ctx.autoScaling.send(
        new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }),
      );
      const mine = asi.AutoScalingInstances?.[0];
      if (!mine?.AutoScalingGroupName)
        return result(
          'blocked',
          `instance ${instanceId} (node ${name}) is not in an Auto Scaling group; terminating it would not replace it`,
          ctx.dryRun,
        );
      if (mine.LifecycleState && /Terminating|Terminated/.test(mine.LifecycleState))
        return result(
          'unchanged',
          `instance ${instanceId} is already ${mine.LifecycleState}; nothing to do`,
          ctx.dryRun,
        );
      const group = mine.AutoScalingGroupName;
      const asg = await ctx.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
      );
      const members = new Set(
        (asg.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId),
      );
      const readyPeers = nodes.filter(
        (n) => n !== node && isReady(n) && members.has(instanceIdOf(n)),
      );
      if (isReady(node) && readyPeers.length === 0) {
        return result(
          'blocked',
          `node ${name} is the last Ready node of Auto Scaling group ${group}; refusing to terminate it. Scale the group up first`,
          ctx.dryRun,
        );
      }
      const change = `terminate instance ${instanceId} (node ${name}) in ${group}; desired capacity kept, a replacement launches`;
      if (ctx.dryRun) return result('changed', `dry run: would ${change}`, true, [change]);
      await ctx.autoScaling.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: false,
        }),
      );
      return result(
        'changed',
        `${change} (${readyPeers.length} other Ready node(s) remain in the group)`,
        false,
        [change],
      );
    } catch (error) {
      return result(
        'failed',
        `node-replace of ${name} failed at the Auto Scaling API (${describeFailure(error)}); check autoscaling:* permissions`,
        ctx.dryRun,
      );
    }
  },
};

/** nodegroup-scale-up: raises an EKS managed node group's desired size by `step`, capped at its maximum. */
export const scaleUpNodegroup: ActionExecutor = {
  actionId: 'nodegroup-scale-up',
  async execute(params, ctx) {
    const step = typeof params.step === 'number' ? params.step : 1;
    if (!ctx.eks || !ctx.clusterName)
      return result(
        'failed',
        'nodegroup-scale-up needs an EKS client and the cluster name in the execution context',
        ctx.dryRun,
      );
    let nodegroup = typeof params.nodegroup === 'string' ? params.nodegroup : undefined;
    if (!nodegroup && ctx.target?.node) {
      try {
        const c = await ctx.kube.clients();
        const name = ctx.target.node;
        const node = (await apiRequest(ctx, `read node ${name}`, (signal) =>
          c.core.readNode({ name }, abortOn(signal)),
        )) as unknown as Node;
        nodegroup = node.metadata?.labels?.['eks.amazonaws.com/nodegroup'];
      } catch (error) {
        return result(
          'failed',
          `could not read node ${ctx.target.node} to find its node group (${describeFailure(error)})`,
          ctx.dryRun,
        );
      }
    }
    if (!nodegroup)
      return result(
        'failed',
        'no node group: pass the nodegroup parameter or a target node labelled eks.amazonaws.com/nodegroup',
        ctx.dryRun,
      );
    try {
      const ng = await ctx.eks.send(
        new DescribeNodegroupCommand({ clusterName: ctx.clusterName, nodegroupName: nodegroup }),
      );
      const sc = ng.nodegroup?.scalingConfig ?? {};
      const desired = sc.desiredSize ?? 0;
      const max = sc.maxSize ?? desired;
      if (desired >= max)
        return result(
          'blocked',
          `node group ${nodegroup} is at its maximum (${desired}/${max}); raise maxSize first`,
          ctx.dryRun,
        );
      const target = Math.min(desired + step, max);
      const change = `node group ${nodegroup}: desiredSize ${desired} -> ${target} (max ${max})`;
      if (ctx.dryRun) return result('changed', `dry run: would set ${change}`, true, [change]);
      await ctx.eks.send(
        new UpdateNodegroupConfigCommand({
          clusterName: ctx.clusterName,
          nodegroupName: nodegroup,
          scalingConfig: { ...sc, desiredSize: target },
        }),
      );
      return result('changed', change, false, [change]);
    } catch (error) {
      return result(
        'failed',
        `nodegroup-scale-up of ${nodegroup} failed (${describeFailure(error)})`,
        ctx.dryRun,
      );
    }
  },
};
