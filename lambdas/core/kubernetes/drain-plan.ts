import type { Pod } from './types.js';

/** A pod, by namespace and name, and the uid of the instance that was planned for. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  /**
   * The pod's metadata.uid. A StatefulSet recreates an evicted pod under the same name at once: only
   * the uid tells the evicted instance from its successor (kubectl drain waits on it the same way).
   */
  readonly uid?: string;
}

/** What a drain will do with each pod of a node. */
export interface DrainPlan {
  /** Pods to evict through the Eviction API. */
  readonly evict: readonly PodRef[];
  /** Pods left alone, with why (DaemonSet, mirror pod, finished, already terminating). */
  readonly skip: readonly (PodRef & { readonly reason: string })[];
  /** Pods that stop the drain before it starts (kubectl drain refuses them the same way). */
  readonly blockers: readonly (PodRef & { readonly reason: string })[];
}

/** Choices kubectl drain exposes as flags. */
export interface DrainPlanOptions {
  /** Evict pods not managed by a controller (kubectl --force); they are lost for good. Default false. */
  readonly force?: boolean;
  /** Evict pods with emptyDir volumes (kubectl --delete-emptydir-data). Default true: the data is node-local scratch. */
  readonly deleteEmptyDirData?: boolean;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

function refOf(pod: Pod): PodRef {
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '<unnamed>',
    ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}),
  };
}

/**
 * Plans a drain the way `kubectl drain --ignore-daemonsets` filters pods: mirror (static) pods and
 * DaemonSet pods are skipped, finished and terminating pods need nothing, unmanaged pods block
 * unless forced, emptyDir pods block unless allowed. Pure: the pods come from the node's pod list.
 */
export function planDrain(pods: readonly Pod[], options: DrainPlanOptions = {}): DrainPlan {
  const evict: PodRef[] = [];
  const skip: (PodRef & { reason: string })[] = [];
  const blockers: (PodRef & { reason: string })[] = [];
  for (const pod of pods) {
    const ref = refOf(pod);
    const controller =
      (pod.metadata?.ownerReferences ?? []).find((o) => o.controller) ??
      pod.metadata?.ownerReferences?.[0];
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      skip.push({ ...ref, reason: 'mirror (static) pod, managed by the kubelet' });
      continue;
    }
    if (pod.metadata?.deletionTimestamp) {
      skip.push({ ...ref, reason: 'already terminating' });
      continue;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      skip.push({ ...ref, reason: `finished (${phase})` });
      continue;
    }
    if (controller?.kind === 'DaemonSet') {
      skip.push({ ...ref, reason: `DaemonSet-managed (${controller.name})` });
      continue;
    }
    if (!controller && !options.force) {
      blockers.push({
        ...ref,
        reason:
          'not managed by a controller: evicting it loses it for good (kubectl drain needs --force)',
      });
      continue;
    }
    const emptyDir = (pod.spec?.volumes ?? []).some(
      (v) => 'emptyDir' in v && v.emptyDir !== undefined && v.emptyDir !== null,
    );
    if (emptyDir && options.deleteEmptyDirData === false) {
      blockers.push({
        ...ref,
        reason:
          'uses emptyDir data that eviction deletes (kubectl drain needs --delete-emptydir-data)',
      });
      continue;
    }
    evict.push(ref);
  }
  return { evict, skip, blockers };
}
