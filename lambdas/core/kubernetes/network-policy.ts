import { isEmptySelector, matchesLabelSelector } from './label-selector.js';
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Pod,
  StringMap,
} from './types.js';
import ipaddr from 'ipaddr.js';

/** Traffic direction, seen from the pod under investigation. */
export type TrafficDirection = 'ingress' | 'egress';

/** The other end of the traffic: a pod (labels + namespace labels) or an address outside the cluster. */
export interface TrafficPeer {
  /** Namespace of the peer pod; absent for an external address. */
  readonly namespace?: string;
  /** Labels of the peer pod. */
  readonly labels?: StringMap;
  /** Labels of the peer's namespace (namespaceSelector is evaluated against these). */
  readonly namespaceLabels?: StringMap;
  /** IP of the peer, for ipBlock rules. */
  readonly ip?: string;
  /** Named container ports of the peer (egress to a named port). */
  readonly namedPorts?: Readonly<Record<string, number>>;
  /** How to print the peer, e.g. `pod frontend/web-1` or `10.0.0.5`. */
  readonly description?: string;
}

/** One flow to judge: `pod` receives (ingress) from or sends (egress) to `peer` on `port`. */
export interface Traffic {
  readonly direction: TrafficDirection;
  readonly peer: TrafficPeer;
  /** Destination port; absent means "any port" (only rules without ports allow it for sure). */
  readonly port?: number;
  /** TCP (default), UDP or SCTP. */
  readonly protocol?: string;
}

/** What the policies decide for one flow. */
export interface PolicyVerdict {
  readonly allowed: boolean;
  /** True when at least one policy selecting the pod applies to this direction (default deny). */
  readonly isolated: boolean;
  /** Names of policies that select the pod and apply to the direction. */
  readonly isolatingPolicies: readonly string[];
  /** Names of those policies with a rule that allows the flow. */
  readonly allowedBy: readonly string[];
  /** One sentence, e.g. `denied: isolated for ingress by default-deny; no rule allows it`. */
  readonly reason: string;
}

/** The policy types in force: explicit `policyTypes`, else the API server's defaulting (Ingress, plus Egress when egress rules exist). */
export function effectivePolicyTypes(policy: NetworkPolicy): ReadonlySet<'Ingress' | 'Egress'> {
  const declared = policy.spec?.policyTypes;
  if (declared && declared.length > 0)
    return new Set(
      declared.filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress'),
    );
  const types = new Set<'Ingress' | 'Egress'>(['Ingress']);
  if ((policy.spec?.egress ?? []).length > 0) types.add('Egress');
  return types;
}

/** True when the policy's podSelector selects the pod (same namespace; an empty selector selects all its pods). */
export function policySelectsPod(policy: NetworkPolicy, pod: Pod): boolean {
  const policyNs = policy.metadata?.namespace ?? 'default';
  const podNs = pod.metadata?.namespace ?? 'default';
  if (policyNs !== podNs) return false;
  const selector = policy.spec?.podSelector ?? {};
  return isEmptySelector(selector) || matchesLabelSelector(selector, pod.metadata?.labels);
}

/** The policies that select a pod, in input order. */
export function policiesSelectingPod(
  policies: readonly NetworkPolicy[],
  pod: Pod,
): NetworkPolicy[] {
  return policies.filter((p) => policySelectsPod(p, pod));
}

// Go's net.ParseIP forms, as the API server validates ipBlock: dotted-quad IPv4 without leading
// zeros (ipaddr.js alone also reads `10.1`, `0xa.0.0.1`, `167772161` and octal `010.0.0.0`), or
// IPv6 without a zone.
const IPV4 = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;
const PREFIX_LENGTH = /^(0|[1-9]\d{0,2})$/;

/** An IP address in a form the API server accepts, or null. */
export function parseStrictIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (IPV4.test(text))
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  return ipaddr.IPv6.parse(text);
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) in a form the API server accepts, or null. */
export function parseStrictCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  const slash = text.indexOf('/');
  if (slash < 0 || !PREFIX_LENGTH.test(text.slice(slash + 1))) return null;
  const addr = parseStrictIp(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (!addr || bits > (addr.kind() === 'ipv4' ? 32 : 128)) return null;
  return [addr, bits];
}

/**
 * True when an address lies in a CIDR, IPv4 or IPv6 (a bare address is its own /32 or /128); an
 * IPv4 address never lies in an IPv6 block or the reverse, as the API server's ipBlock reads them.
 * Forms the API server rejects (`10.1`, `0xa.0.0.1`, `010.0.0.0/8`, a zone) match nothing.
 */
export function ipInCidr(ip: string, cidr: string): boolean {
  const addr = parseStrictIp(ip);
  if (!addr) return false;
  const bare = cidr.includes('/') ? null : parseStrictIp(cidr);
  const range: [ipaddr.IPv4 | ipaddr.IPv6, number] | null = bare
    ? [bare, bare.kind() === 'ipv4' ? 32 : 128]
    : parseStrictCidr(cidr);
  if (!range) return false; // not a CIDR: matches nothing
  return addr.kind() === range[0].kind() && addr.match(range);
}

function peerMatches(
  rulePeer: NetworkPolicyPeer,
  policyNamespace: string,
  peer: TrafficPeer,
): boolean {
  if (rulePeer.ipBlock) {
    if (!peer.ip || !ipInCidr(peer.ip, rulePeer.ipBlock.cidr)) return false;
    return !(rulePeer.ipBlock.except ?? []).some((c) => ipInCidr(peer.ip!, c));
  }
  if (peer.namespace === undefined) return false; // an external address only matches ipBlock peers
  if (rulePeer.namespaceSelector) {
    if (!matchesLabelSelector(rulePeer.namespaceSelector, peer.namespaceLabels)) return false;
  } else if (peer.namespace !== policyNamespace) {
    return false; // podSelector alone means pods of the policy's own namespace
  }
  if (rulePeer.podSelector) return matchesLabelSelector(rulePeer.podSelector, peer.labels);
  return rulePeer.namespaceSelector !== undefined;
}

function portMatches(
  rulePort: NetworkPolicyPort,
  traffic: Traffic,
  destinationNamedPorts: Readonly<Record<string, number>>,
): boolean {
  if ((rulePort.protocol ?? 'TCP') !== (traffic.protocol ?? 'TCP')) return false;
  if (rulePort.port === undefined) return true;
  if (traffic.port === undefined) return false;
  if (typeof rulePort.port === 'number') {
    const end = rulePort.endPort ?? rulePort.port;
    return traffic.port >= rulePort.port && traffic.port <= end;
  }
  if (/^\d+$/.test(rulePort.port)) return Number(rulePort.port) === traffic.port;
  return destinationNamedPorts[rulePort.port] === traffic.port;
}

/** Named container ports of a pod (`http` -> 8080). */
export function namedPortsOf(pod: Pod): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name) out[p.name] = p.containerPort;
  return out;
}

/**
 * Judges one flow against the NetworkPolicies of the cluster, as the NetworkPolicy API defines it:
 * a pod selected by no policy of a direction is not isolated (everything allowed); once any
 * selecting policy applies to the direction, only flows some rule of those policies allows pass.
 */
export function evaluateTraffic(
  policies: readonly NetworkPolicy[],
  pod: Pod,
  traffic: Traffic,
): PolicyVerdict {
  const type = traffic.direction === 'ingress' ? 'Ingress' : 'Egress';
  const applying = policiesSelectingPod(policies, pod).filter((p) =>
    effectivePolicyTypes(p).has(type),
  );
  const names = applying.map((p) => p.metadata?.name ?? '<unnamed>');
  if (applying.length === 0) {
    return {
      allowed: true,
      isolated: false,
      isolatingPolicies: [],
      allowedBy: [],
      reason: `allowed: no NetworkPolicy selecting the pod applies to ${traffic.direction}`,
    };
  }
  const destinationPorts =
    traffic.direction === 'ingress' ? namedPortsOf(pod) : (traffic.peer.namedPorts ?? {});
  const allowedBy: string[] = [];
  for (const policy of applying) {
    const ns = policy.metadata?.namespace ?? 'default';
    const rules =
      traffic.direction === 'ingress'
        ? (policy.spec?.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
        : (policy.spec?.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    const allows = rules.some((rule) => {
      const peerOk =
        !rule.peers ||
        rule.peers.length === 0 ||
        rule.peers.some((p) => peerMatches(p, ns, traffic.peer));
      const portOk =
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some((p) => portMatches(p, traffic, destinationPorts));
      return peerOk && portOk;
    });
    if (allows) allowedBy.push(policy.metadata?.name ?? '<unnamed>');
  }
  if (allowedBy.length > 0) {
    return {
      allowed: true,
      isolated: true,
      isolatingPolicies: names,
      allowedBy,
      reason: `allowed by ${allowedBy.join(', ')}`,
    };
  }
  return {
    allowed: false,
    isolated: true,
    isolatingPolicies: names,
    allowedBy: [],
    reason: `denied by NetworkPolicy: the pod is isolated for ${traffic.direction} by ${names.join(', ')} and no NetworkPolicy allows this traffic`,
  };
}

/** One pod-to-pod (or pod-to-address) flow judged at both ends: the sender's egress and the receiver's ingress. */
export interface FlowJudgement {
  /** e.g. `shop/web-frontend-7d9f` */
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol: string;
  readonly allowed: boolean;
  /** Policies that isolate either end for this flow. */
  readonly policies: readonly string[];
  readonly reason: string;
}

/** A pod with its namespace's labels, as one end of a flow. */
export interface FlowEnd {
  readonly pod: Pod;
  readonly namespaceLabels?: StringMap;
}

const podId = (p: Pod) => `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? '?'}`;

function asPeer(end: FlowEnd): TrafficPeer {
  return {
    namespace: end.pod.metadata?.namespace ?? 'default',
    labels: end.pod.metadata?.labels,
    namespaceLabels: end.namespaceLabels,
    ip: end.pod.status?.podIP,
    namedPorts: namedPortsOf(end.pod),
    description: `pod ${podId(end.pod)}`,
  };
}

/**
 * Judges traffic from one pod to another on a port: allowed only if the sender's egress
 * policies and the receiver's ingress policies both allow it (policies of both namespaces).
 */
export function judgeFlow(
  policies: readonly NetworkPolicy[],
  from: FlowEnd,
  to: FlowEnd,
  port: number | undefined,
  protocol = 'TCP',
): FlowJudgement {
  const egress = evaluateTraffic(policies, from.pod, {
    direction: 'egress',
    peer: asPeer(to),
    port,
    protocol,
  });
  const ingress = evaluateTraffic(policies, to.pod, {
    direction: 'ingress',
    peer: asPeer(from),
    port,
    protocol,
  });
  const allowed = egress.allowed && ingress.allowed;
  const reasons: string[] = [];
  if (!egress.allowed) reasons.push(`egress of ${podId(from.pod)} ${egress.reason}`);
  if (!ingress.allowed) reasons.push(`ingress of ${podId(to.pod)} ${ingress.reason}`);
  if (allowed)
    reasons.push(
      egress.isolated || ingress.isolated
        ? [
            egress.isolated ? `egress ${egress.reason}` : '',
            ingress.isolated ? `ingress ${ingress.reason}` : '',
          ]
            .filter(Boolean)
            .join('; ')
        : 'no NetworkPolicy restricts it',
    );
  return {
    from: podId(from.pod),
    to: podId(to.pod),
    port,
    protocol,
    allowed,
    policies: [
      ...new Set([
        ...(egress.allowed ? [] : egress.isolatingPolicies),
        ...(ingress.allowed ? [] : ingress.isolatingPolicies),
      ]),
    ],
    reason: reasons.join('; '),
  };
}
