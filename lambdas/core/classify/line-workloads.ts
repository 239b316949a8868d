/**
 * Which workloads and nodes a log line names, in the forms node-wide logs print them: the
 * kubelet's and klog's `pod="ns/name"`, an event's `pod/<name>` object, a cgroup path's container
 * id, a pull's image reference, a `kubectl get nodes` row. A line that names none is about nothing
 * in particular (a node-level failure); one that names some is about those.
 */

/** The workloads and nodes one line names; every list empty when it names none. */
export interface LineWorkloads {
  /** Pod names, without namespace. */
  readonly pods: readonly string[];
  /** Container ids (12 to 64 hex) from cgroup paths and `container=<id>`-style fields. */
  readonly containerIds: readonly string[];
  /** Image references of pulls and runs, as printed. */
  readonly images: readonly string[];
  /** Node names. */
  readonly nodes: readonly string[];
}

/** A line that names nothing. */
export const NO_WORKLOADS: LineWorkloads = { pods: [], containerIds: [], images: [], nodes: [] };

const POD_FORMS = [
  // klog structured (kubelet 1.19+): pod="shop/orders-5b7c9d8f6-t4mnp"; podName= in some components.
  /\bpod(?:Name)?=\\*"([^"\\\s]+)/g,
  /\bpodName=([A-Za-z0-9][A-Za-z0-9.-]*)/g,
  // The kubelet's back-off text and pre-structured klog: pod=name_ns(uid), pod "name_ns(uid)".
  /\bpod=([A-Za-z0-9][A-Za-z0-9.-]*_[A-Za-z0-9.-]+)\(/g,
  /\bpod \\*"([^"\\\s]+)/g,
  // An event's involved object (kubectl get events): pod/orders-5b7c9d8f6-t4mnp.
  /(?<![\w/.-])pod\/([a-z0-9][a-z0-9.-]*)/g,
];

const CONTAINER_ID_FORMS = [
  // cgroup paths: /docker/<id>, docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope.
  /(?:\/docker\/|docker-|cri-containerd-|crio-|\/crio\/)([0-9a-f]{64})\b/g,
  // The kubelet's cgroupfs layout: /kubepods/burstable/pod<uid>/<id>.
  /\/kubepods\b[^,\s]*\/pod[0-9a-f_-]+\/([0-9a-f]{64})\b/g,
  // dockerd, containerd and agents: container=<id>, containerID="<id>", "container <id>".
  /\bcontainer(?:ID|_id|Id)?[=: ]\\*"?(?:containerd:\/\/|docker:\/\/)?([0-9a-f]{12}(?:[0-9a-f]{52})?)\b/g,
];

// `PullImage "x"`, `Failed to pull image "x"`, `image="x"`, `Unable to find image 'x' locally`.
const IMAGE_FORM = /[Ii]mage[= ]\\*["']([^"'\\\s]+)/g;

const NODE_FORMS = [
  // A `kubectl get nodes` row: the name, then its status.
  /^(\S+)\s+(?:Ready|NotReady|Unknown)(?:,\S+)?\s/g,
  /(?<![\w/.-])node\/([a-z0-9][a-z0-9.-]*)/g,
  /\bNode (\S+) status is now:/g,
  /\bnode=\\*"([^"\\\s]+)/g,
];

function captures(text: string, forms: readonly RegExp[]): string[] {
  const out = new Set<string>();
  for (const form of forms) for (const m of text.matchAll(form)) out.add(m[1]!);
  return [...out];
}

/** A pod reference's name: `ns/name` and `name_ns` lose the namespace. */
const podName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1).replace(/_[^_]*$/, '');

/**
 * The workloads and nodes a line names.
 * @example workloadsNamedIn('... pod="shop/reports-7d9f6c8b5-k2x8q"').pods // ['reports-7d9f6c8b5-k2x8q']
 */
export function workloadsNamedIn(text: string): LineWorkloads {
  return {
    pods: [...new Set(captures(text, POD_FORMS).map(podName))],
    containerIds: captures(text, CONTAINER_ID_FORMS),
    images: captures(text, [IMAGE_FORM]),
    nodes: captures(text, NODE_FORMS),
  };
}

/** `docker.io/library/nginx` and `nginx:latest` are one image; a digest stands for any tag. */
function normalImage(ref: string): { repo: string; tag: string | null } {
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  let repo = hasTag ? named.slice(0, colon) : named;
  repo = repo.replace(/^(?:index\.)?docker\.io\//, '').replace(/^library\//, '');
  const tag = hasTag ? named.slice(colon + 1) : at >= 0 ? null : 'latest';
  return { repo, tag };
}

/** Whether two image references name the same image. */
export function sameImage(a: string, b: string): boolean {
  const x = normalImage(a);
  const y = normalImage(b);
  return x.repo === y.repo && (x.tag === y.tag || x.tag === null || y.tag === null);
}

/** Whether two node names are one node: the short hostname matches its FQDN. */
export function sameNode(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** Whether two container ids are one container: a short id is the long one's prefix. */
export function sameContainerId(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
