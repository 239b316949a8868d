import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { planDrain, type PodRef } from '../../core/kubernetes/drain-plan.js';
import type { Node, Pod } from '../../core/kubernetes/types.js';
import { ReadTimeoutError, retryAfterSeconds, statusOf } from './api-errors.js';
import { abortOn } from './request-timeout.js';
import {
  apiRequest,
  realSleep,
  result,
  stringParam,
  type ActionExecutor,
  type ActionParams,
  type ExecutionContext,
  type ExecutionResult,
} from './executor.js';
import type { KubeClients } from './kube-access.js';
import { listAllPages } from './paged-list.js';

/** More pods than any kubelet runs (max-pods is at most a few hundred): a list this long is not one node's. */
const MAX_PODS_PER_NODE = 1000;

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Short text of a client-node failure: `HTTP 429 TooManyRequests: Cannot evict pod ...`. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiException) {
    const s = statusOf(error.body);
    return `HTTP ${error.code}${s?.reason ? ` ${s.reason}` : ''}: ${s?.message ?? 'no message'}`;
  }
  return (error as Error)?.message ?? String(error);
}

/**
 * What a failed write left behind: nothing, unless the API server never answered, when the write
 * may have been applied; `check` is the command that shows which.
 */
export function afterFailedWrite(error: unknown, check: string): string {
  return error instanceof ReadTimeoutError
    ? `no answer came, so the change may have been made: check with "${check}"`
    : 'nothing changed';
}

/** Attempts of a write that keeps meeting 409 Conflict (another writer between our read and our write). */
export const CONFLICT_ATTEMPTS = 3;

/** True for a 409 Conflict answer (stale resourceVersion). */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** Runs one API request under a timeout (apiRequest with the action's context and deadline bound in); `work` passes the signal to the client. */
type Request = <T>(what: string, work: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Sets spec.unschedulable with the node's resourceVersion as a precondition. On 409 the node is
 * read again: if another writer already set the wanted value nothing more is done (false),
 * otherwise the patch is retried on the fresh version. Other errors are thrown.
 * @returns whether this call changed the node.
 */
async function setUnschedulable(
  c: KubeClients,
  request: Request,
  name: string,
  value: boolean,
  node: Node,
): Promise<boolean> {
  let current = node;
  for (let attempt = 1; ; attempt++) {
    const resourceVersion = current.metadata?.resourceVersion;
    try {
      await request(`patch node ${name}`, (signal) =>
        c.core.patchNode(
          {
            name,
            body: {
              ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
              spec: { unschedulable: value ? true : null },
            },
          },
          abortOn(signal, MERGE),
        ),
      );
      return true;
    } catch (error) {
      if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      current = (await request(`read node ${name}`, (signal) =>
        c.core.readNode({ name }, abortOn(signal)),
      )) as unknown as Node;
      if ((current.spec?.unschedulable === true) === value) return false;
    }
  }
}

function cordonExecutor(actionId: string, want: boolean): ActionExecutor {
  const verb = want ? 'cordon' : 'uncordon';
  return {
    actionId,
    async execute(params: ActionParams, ctx: ExecutionContext): Promise<ExecutionResult> {
      const name = stringParam(actionId, params, 'node', ctx.target?.node);
      const c = await ctx.kube.clients();
      const request: Request = (what, work) => apiRequest(ctx, what, work);
      let node: Node;
      try {
        node = (await request(`read node ${name}`, (signal) =>
          c.core.readNode({ name }, abortOn(signal)),
        )) as unknown as Node;
      } catch (error) {
        return result(
          'failed',
          `could not read node ${name} (${describeFailure(error)}); nothing changed`,
          ctx.dryRun,
        );
      }
      if ((node.spec?.unschedulable === true) === want) {
        return result(
          'unchanged',
          `node ${name} is already ${want ? 'cordoned (unschedulable)' : 'schedulable'}; nothing to do`,
          ctx.dryRun,
        );
      }
      const change = `node ${name}: spec.unschedulable ${!want} -> ${want}`;
      if (ctx.dryRun)
        return result('changed', `dry run: would ${verb} node ${name}`, true, [change]);
      try {
        if (!(await setUnschedulable(c, request, name, want, node)))
          return result(
            'unchanged',
            `node ${name} was ${want ? 'cordoned' : 'uncordoned'} by another writer while this action ran; nothing to do`,
            false,
          );
      } catch (error) {
        return result(
          'failed',
          `${verb} of node ${name} failed (${describeFailure(error)}); ${afterFailedWrite(error, `kubectl get node ${name}`)}. Retry, or check the role's "patch nodes" permission`,
          false,
        );
      }
      return result('changed', `${verb}ed node ${name}`, false, [change]);
    },
  };
}

/** k8s-cordon-node */
export const cordonNode = cordonExecutor('k8s-cordon-node', true);
/** k8s-uncordon-node */
export const uncordonNode = cordonExecutor('k8s-uncordon-node', false);

const podKey = (p: PodRef) => `${p.namespace}/${p.name}`;

/** Times a timed-out or 5xx eviction is sent again (an eviction already done answers 404, or 409 on its uid: no harm). */
const EVICTION_SERVER_ERRORS = 3;

/** Outcome of evicting one pod. */
type EvictionOutcome = { ok: true } | { ok: false; reason: string; pdb: boolean };

async function evictWithRetry(
  c: KubeClients,
  request: Request,
  ref: PodRef,
  deadline: number,
  ctx: ExecutionContext,
): Promise<EvictionOutcome> {
  const sleep = ctx.sleep ?? realSleep;
  let delay = 1000;
  let serverErrors = 0;
  let last = '';
  let lastTimedOut = false;
  let pdb = false;
  for (;;) {
    try {
      await request(`evict pod ${podKey(ref)}`, (signal) =>
        c.core.createNamespacedPodEviction(
          {
            name: ref.name,
            namespace: ref.namespace,
            body: {
              apiVersion: 'policy/v1',
              kind: 'Eviction',
              metadata: { name: ref.name, namespace: ref.namespace },
              // Only the planned instance: after a lost answer, a StatefulSet's successor may already
              // hold the name (on another node), and evicting it would be a disruption nobody planned.
              ...(ref.uid ? { deleteOptions: { preconditions: { uid: ref.uid } } } : {}),
            },
          },
          abortOn(signal),
        ),
      );
      return { ok: true };
    } catch (error) {
      const code = error instanceof ApiException ? error.code : undefined;
      // 404: already gone. 409 on the uid precondition: gone, and a successor holds the name.
      if (code === 404 || (code === 409 && ref.uid)) return { ok: true };
      last = describeFailure(error);
      lastTimedOut = error instanceof ReadTimeoutError;
      if (code === 429) {
        // 429 is either a PodDisruptionBudget refusal or API priority-and-fairness throttling; both mean "later".
        pdb = /disruption budget/i.test(last);
        const retryAfter = retryAfterSeconds(error);
        if (retryAfter !== undefined) delay = Math.max(delay, retryAfter * 1000);
      } else if (
        ((code !== undefined && code >= 500) || error instanceof ReadTimeoutError) &&
        serverErrors < EVICTION_SERVER_ERRORS
      ) {
        // A 5xx or an answer that never came: the eviction may or may not have happened; asking
        // again is safe (a pod already evicted answers 404, or 409 when a successor took its name).
        serverErrors++;
      } else {
        if (lastTimedOut && (await evictedMeanwhile(c, ref, ctx))) return { ok: true };
        return { ok: false, reason: last, pdb: false };
      }
    }
    if (ctx.clock.now().getTime() + delay > deadline) {
      // The last eviction may have been done with its answer lost: the pod itself says.
      if (lastTimedOut && (await evictedMeanwhile(c, ref, ctx))) return { ok: true };
      return { ok: false, reason: last, pdb };
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}

/**
 * Whether the planned pod is gone (404, or a successor with another uid holds its name), read with
 * a request of its own, not bound to the drain's deadline: an eviction whose answer never came may
 * have been done, and an evicted pod reported as not evicted would be re-drained by the operator.
 */
async function evictedMeanwhile(
  c: KubeClients,
  ref: PodRef,
  ctx: ExecutionContext,
): Promise<boolean> {
  try {
    const pod = await apiRequest(ctx, `read pod ${podKey(ref)}`, (signal) =>
      c.core.readNamespacedPod({ name: ref.name, namespace: ref.namespace }, abortOn(signal)),
    );
    return ref.uid !== undefined && pod.metadata?.uid !== ref.uid;
  } catch (error) {
    return error instanceof ApiException && error.code === 404;
  }
}

/**
 * Waits until every evicted pod is gone: its name answers 404, or another pod holds the name (a
 * different uid: a StatefulSet recreates `db-0` as soon as the evicted one is deleted), as kubectl
 * drain decides. A read that fails or times out counts as not gone yet.
 */
async function waitGone(
  c: KubeClients,
  request: Request,
  refs: readonly PodRef[],
  deadline: number,
  ctx: ExecutionContext,
): Promise<PodRef[]> {
  const sleep = ctx.sleep ?? realSleep;
  let remaining = [...refs];
  for (;;) {
    const still: PodRef[] = [];
    for (const r of remaining) {
      try {
        const pod = (await request(`read pod ${podKey(r)}`, (signal) =>
          c.core.readNamespacedPod({ name: r.name, namespace: r.namespace }, abortOn(signal)),
        )) as unknown as Pod;
        const uid = pod.metadata?.uid;
        if (!(r.uid && uid && uid !== r.uid)) still.push(r);
      } catch (error) {
        if (!(error instanceof ApiException && error.code === 404)) still.push(r);
      }
    }
    remaining = still;
    if (remaining.length === 0 || ctx.clock.now().getTime() + 2000 > deadline) return remaining;
    await sleep(2000);
  }
}

/**
 * k8s-drain-node: cordon (if needed), evict every evictable pod through the Eviction API
 * (PodDisruptionBudgets honoured: 429 retried with backoff until the deadline, never deleted
 * around), wait for them to go. On failure the node is uncordoned if this drain cordoned it.
 */
export const drainNode: ActionExecutor = {
  actionId: 'k8s-drain-node',
  async execute(params, ctx) {
    const name = stringParam('k8s-drain-node', params, 'node', ctx.target?.node);
    const timeoutSeconds = typeof params.timeoutSeconds === 'number' ? params.timeoutSeconds : 600;
    const deadline = ctx.clock.now().getTime() + timeoutSeconds * 1000;
    const c = await ctx.kube.clients();
    // Every request of the drain ends by its deadline; the undo below gets requests of its own.
    const request: Request = (what, work) => apiRequest(ctx, what, work, deadline);
    let node: Node;
    let pods: Pod[];
    try {
      node = (await request(`read node ${name}`, (signal) =>
        c.core.readNode({ name }, abortOn(signal)),
      )) as unknown as Node;
      const listed = await listAllPages(
        (page) =>
          request(`list the pods of node ${name}`, (signal) =>
            c.core.listPodForAllNamespaces(
              { fieldSelector: `spec.nodeName=${name}`, ...page },
              abortOn(signal),
            ),
          ),
        { maxItems: MAX_PODS_PER_NODE },
      );
      if (listed.cut)
        return result(
          'failed',
          `node ${name} lists ${listed.cut}; refusing to drain a node whose pods could not all be read`,
          ctx.dryRun,
        );
      pods = listed.items as unknown as Pod[];
    } catch (error) {
      return result(
        'failed',
        `could not read node ${name} or its pods (${describeFailure(error)}); nothing changed`,
        ctx.dryRun,
      );
    }
    const plan = planDrain(pods);
    const skipped = plan.skip.map((s) => `${podKey(s)} (${s.reason})`);
    if (plan.blockers.length > 0) {
      return result(
        'blocked',
        `drain of ${name} refused before any change: ${plan.blockers.map((b) => `${podKey(b)}: ${b.reason}`).join('; ')}. Move or delete these pods by hand, then drain again`,
        ctx.dryRun,
      );
    }
    const wasCordoned = node.spec?.unschedulable === true;
    const planned = [
      ...(wasCordoned ? [] : [`node ${name}: spec.unschedulable false -> true`]),
      ...plan.evict.map((p) => `evict pod ${podKey(p)}`),
    ];
    if (plan.evict.length === 0 && wasCordoned) {
      return result(
        'unchanged',
        `node ${name} is cordoned and has no pods to evict (skipped: ${skipped.join(', ') || 'none'}); nothing to do`,
        ctx.dryRun,
      );
    }
    if (ctx.dryRun)
      return result(
        'changed',
        `dry run: would drain ${name}: ${planned.join('; ')}${skipped.length ? `; skip ${skipped.join(', ')}` : ''}`,
        true,
        planned,
      );
    const changes: string[] = [];
    let cordonedByOther = false;
    if (!wasCordoned) {
      try {
        if (await setUnschedulable(c, request, name, true, node))
          changes.push(`node ${name}: spec.unschedulable false -> true`);
        else cordonedByOther = true;
      } catch (error) {
        return result(
          'failed',
          `could not cordon ${name} (${describeFailure(error)}); ${afterFailedWrite(error, `kubectl get node ${name}`)}`,
          false,
        );
      }
    }
    const failures: string[] = [];
    const pdbBlocked: string[] = [];
    const evicted: PodRef[] = [];
    for (const ref of plan.evict) {
      const out = await evictWithRetry(c, request, ref, deadline, ctx);
      if (out.ok) {
        evicted.push(ref);
        changes.push(`evicted pod ${podKey(ref)}`);
      } else {
        failures.push(`${podKey(ref)}: ${out.reason}`);
        if (out.pdb) pdbBlocked.push(podKey(ref));
      }
    }
    const lingering =
      failures.length === 0 ? await waitGone(c, request, evicted, deadline, ctx) : [];
    if (failures.length === 0 && lingering.length === 0) {
      return result(
        'changed',
        `drained ${name}: evicted ${evicted.length} pod(s)${skipped.length ? `; skipped ${skipped.join(', ')}` : ''}`,
        false,
        changes,
      );
    }
    const undone: string[] = [];
    let undoNote = '';
    if (!wasCordoned && !cordonedByOther) {
      // Not bounded by the drain's deadline, which has likely passed: the undo must still run.
      const undo: Request = (what, work) => apiRequest(ctx, what, work);
      try {
        const fresh = (await undo(`read node ${name}`, (signal) =>
          c.core.readNode({ name }, abortOn(signal)),
        )) as unknown as Node;
        await setUnschedulable(c, undo, name, false, fresh);
        undone.push(`node ${name}: spec.unschedulable true -> false`);
        undoNote = ` Node ${name} was uncordoned again (this drain had cordoned it).`;
      } catch (error) {
        undoNote = ` Could NOT uncordon ${name} (${describeFailure(error)}): run "kubectl uncordon ${name}".`;
      }
    }
    const pdbNote =
      pdbBlocked.length > 0
        ? ` PodDisruptionBudgets kept refusing the eviction of ${pdbBlocked.join(', ')} until the ${timeoutSeconds}s deadline; no pod was deleted around a budget. Scale up the workload or wait for its pods to become healthy, then drain again.`
        : '';
    const lingerNote =
      lingering.length > 0
        ? ` Evicted pods still terminating at the deadline: ${lingering.map(podKey).join(', ')}.`
        : '';
    return result(
      'failed',
      `drain of ${name} did not finish: ${failures.join('; ') || 'pods did not terminate in time'}.${pdbNote}${lingerNote} ${evicted.length} pod(s) were evicted and cannot be put back.${undoNote}`,
      false,
      changes,
      undone,
    );
  },
};
