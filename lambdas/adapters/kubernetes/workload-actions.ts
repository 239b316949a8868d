import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Pod } from '../../core/kubernetes/types.js';
import {
  apiRequest,
  result,
  stringParam,
  type ActionExecutor,
  type ActionParams,
  type ExecutionContext,
} from './executor.js';
import {
  afterFailedWrite,
  CONFLICT_ATTEMPTS,
  describeFailure,
  isConflict,
} from './node-actions.js';
import { abortOn } from './request-timeout.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** A restart newer than this is not repeated (a retried step must not restart twice). */
const RESTART_DEBOUNCE_MS = 2 * 60 * 1000;

/** k8s-delete-pod: deletes one controller-managed pod so it is recreated; an unmanaged pod is refused. */
export const deletePod: ActionExecutor = {
  actionId: 'k8s-delete-pod',
  async execute(params, ctx) {
    const namespace = stringParam('k8s-delete-pod', params, 'namespace', ctx.target?.namespace);
    const name = stringParam('k8s-delete-pod', params, 'pod', ctx.target?.pod);
    const c = await ctx.kube.clients();
    let pod: Pod;
    try {
      pod = (await apiRequest(ctx, `read pod ${namespace}/${name}`, (signal) =>
        c.core.readNamespacedPod({ name, namespace }, abortOn(signal)),
      )) as unknown as Pod;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404)
        return result(
          'unchanged',
          `pod ${namespace}/${name} does not exist (already deleted); nothing to do`,
          ctx.dryRun,
        );
      return result(
        'failed',
        `could not read pod ${namespace}/${name} (${describeFailure(error)}); nothing changed`,
        ctx.dryRun,
      );
    }
    if (pod.metadata?.deletionTimestamp)
      return result(
        'unchanged',
        `pod ${namespace}/${name} is already terminating; nothing to do`,
        ctx.dryRun,
      );
    const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller);
    if (!owner)
      return result(
        'blocked',
        `pod ${namespace}/${name} has no controller: deleting it would lose it for good. Recreate it by hand if that is intended`,
        ctx.dryRun,
      );
    const change = `deleted pod ${namespace}/${name} (${owner.kind}/${owner.name} recreates it)`;
    if (ctx.dryRun)
      return result('changed', `dry run: would delete pod ${namespace}/${name}`, true, [change]);
    try {
      await apiRequest(ctx, `delete pod ${namespace}/${name}`, (signal) =>
        c.core.deleteNamespacedPod({ name, namespace }, abortOn(signal)),
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404)
        return result(
          'unchanged',
          `pod ${namespace}/${name} disappeared before the delete; nothing to do`,
          false,
        );
      return result(
        'failed',
        `delete of pod ${namespace}/${name} failed (${describeFailure(error)}); ${afterFailedWrite(error, `kubectl get pod -n ${namespace} ${name}`)}`,
        false,
      );
    }
    return result('changed', change, false, [change]);
  },
};

type WorkloadKind = 'Deployment' | 'DaemonSet' | 'StatefulSet';

async function rolloutRestart(
  kind: WorkloadKind,
  namespace: string,
  name: string,
  ctx: ExecutionContext,
) {
  const c = await ctx.kube.clients();
  const read = {
    Deployment: (signal: AbortSignal) =>
      c.apps.readNamespacedDeployment({ name, namespace }, abortOn(signal)),
    DaemonSet: (signal: AbortSignal) =>
      c.apps.readNamespacedDaemonSet({ name, namespace }, abortOn(signal)),
    StatefulSet: (signal: AbortSignal) =>
      c.apps.readNamespacedStatefulSet({ name, namespace }, abortOn(signal)),
  }[kind];
  // The patch carries the resourceVersion read: a 409 means another writer came between, so read
  // again and decide again (it may have restarted the workload itself).
  for (let attempt = 1; ; attempt++) {
    let workload: {
      metadata?: { resourceVersion?: string };
      spec?: {
        paused?: boolean;
        template?: { metadata?: { annotations?: Record<string, string> } };
      };
    };
    try {
      workload = (await apiRequest(
        ctx,
        `read ${kind} ${namespace}/${name}`,
        read,
      )) as typeof workload;
    } catch (error) {
      return result(
        'failed',
        `could not read ${kind} ${namespace}/${name} (${describeFailure(error)}); nothing changed`,
        ctx.dryRun,
      );
    }
    if (workload.spec?.paused)
      return result(
        'blocked',
        `${kind} ${namespace}/${name} is paused; a restart would not roll out. Resume it first ("kubectl rollout resume")`,
        ctx.dryRun,
      );
    const now = ctx.clock.now();
    const previous = workload.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    if (
      previous &&
      now.getTime() - new Date(previous).getTime() < RESTART_DEBOUNCE_MS &&
      now.getTime() >= new Date(previous).getTime()
    ) {
      return result(
        'unchanged',
        `${kind} ${namespace}/${name} was restarted at ${previous}, less than 2 minutes ago; not restarting again`,
        ctx.dryRun,
      );
    }
    const stamp = now.toISOString();
    const change = `${kind} ${namespace}/${name}: spec.template.metadata.annotations["${RESTARTED_AT}"] ${previous ?? '<unset>'} -> ${stamp}`;
    if (ctx.dryRun)
      return result(
        'changed',
        `dry run: would rollout-restart ${kind} ${namespace}/${name}`,
        true,
        [change],
      );
    const resourceVersion = workload.metadata?.resourceVersion;
    const body = {
      ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: stamp } } } },
    };
    const patch = {
      Deployment: (signal: AbortSignal) =>
        c.apps.patchNamespacedDeployment({ name, namespace, body }, abortOn(signal, MERGE)),
      DaemonSet: (signal: AbortSignal) =>
        c.apps.patchNamespacedDaemonSet({ name, namespace, body }, abortOn(signal, MERGE)),
      StatefulSet: (signal: AbortSignal) =>
        c.apps.patchNamespacedStatefulSet({ name, namespace, body }, abortOn(signal, MERGE)),
    }[kind];
    try {
      await apiRequest(ctx, `patch ${kind} ${namespace}/${name}`, patch);
    } catch (error) {
      if (isConflict(error) && attempt < CONFLICT_ATTEMPTS) continue;
      return result(
        'failed',
        `rollout restart of ${kind} ${namespace}/${name} failed (${describeFailure(error)}); ${afterFailedWrite(error, `kubectl get ${kind.toLowerCase()} -n ${namespace} ${name} -o yaml`)}`,
        false,
      );
    }
    return result(
      'changed',
      `rollout-restarted ${kind} ${namespace}/${name}${attempt > 1 ? ` (after ${attempt - 1} conflict(s) with another writer)` : ''}`,
      false,
      [change],
    );
  }
}

/** k8s-rollout-restart: sets the restartedAt annotation on a Deployment, DaemonSet or StatefulSet template. */
export const rolloutRestartWorkload: ActionExecutor = {
  actionId: 'k8s-rollout-restart',
  async execute(params: ActionParams, ctx: ExecutionContext) {
    const kind = stringParam('k8s-rollout-restart', params, 'kind');
    if (kind !== 'Deployment' && kind !== 'DaemonSet' && kind !== 'StatefulSet') {
      return result(
        'failed',
        `kind ${kind} cannot be rollout-restarted; use Deployment, DaemonSet or StatefulSet`,
        ctx.dryRun,
      );
    }
    return rolloutRestart(
      kind,
      stringParam('k8s-rollout-restart', params, 'namespace', ctx.target?.namespace),
      stringParam('k8s-rollout-restart', params, 'name'),
      ctx,
    );
  },
};

/** k8s-restart-coredns: rollout restart of kube-system/coredns. */
export const restartCoreDns: ActionExecutor = {
  actionId: 'k8s-restart-coredns',
  execute: (_params, ctx) => rolloutRestart('Deployment', 'kube-system', 'coredns', ctx),
};
