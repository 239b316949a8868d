import type { Pod, StringMap } from './types.js';

/** The port cluster DNS answers on. */
export const CLUSTER_DNS_PORT = 53;

/** The protocol resolvers ask on first (TCP only after a truncated UDP answer, which never comes when UDP is dropped). */
export const CLUSTER_DNS_PROTOCOL = 'UDP';

/** The namespace cluster DNS runs in on kubeadm, EKS, GKE, AKS, k3s and RKE2. */
export const CLUSTER_DNS_NAMESPACE = 'kube-system';

/**
 * The cluster DNS Service in that namespace, as kubeadm, EKS and GKE name it (whatever serves it,
 * CoreDNS or kube-dns); its ClusterIP is the address kubelet's clusterDNS hands pods. Some
 * installs (the coredns Helm chart) name it `coredns` instead.
 */
export const CLUSTER_DNS_SERVICE = 'kube-dns';

/**
 * The label sets cluster DNS pods carry, by who deploys them. Evidence rarely shows them, so a
 * NetworkPolicy is judged against each: a selector that picks any of them may admit DNS.
 * - `k8s-app: kube-dns`: kubeadm's CoreDNS, GKE's kube-dns, AKS, k3s, RKE2;
 * - EKS's CoreDNS (add-on and self-managed) adds `eks.amazonaws.com/component: coredns`;
 * - the coredns Helm chart: `k8s-app` defaults to the chart's name, beside `app.kubernetes.io/name`;
 * - NodeLocal DNSCache's DaemonSet, which the pods ask when it is installed.
 */
export const CLUSTER_DNS_LABEL_SETS: readonly StringMap[] = [
  { 'k8s-app': 'kube-dns' },
  { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
  { 'k8s-app': 'coredns', 'app.kubernetes.io/name': 'coredns' },
  { 'k8s-app': 'node-local-dns' },
];

/**
 * The names those pods give port 53: `dns`/`dns-tcp` (kubeadm, EKS, NodeLocal DNSCache),
 * `udp-53`/`tcp-53` (the Helm chart). A rule naming any of them may admit DNS.
 */
export const CLUSTER_DNS_NAMED_PORTS: Readonly<Record<string, number>> = {
  dns: CLUSTER_DNS_PORT,
  'dns-tcp': CLUSTER_DNS_PORT,
  'udp-53': CLUSTER_DNS_PORT,
  'tcp-53': CLUSTER_DNS_PORT,
};

/** A cluster DNS pod carrying `labels`, serving 53/UDP on a port named `dns`. */
function clusterDnsPod(labels: StringMap): Pod {
  return {
    metadata: { name: 'kube-dns', namespace: CLUSTER_DNS_NAMESPACE, labels: { ...labels } },
    spec: {
      containers: [
        {
          name: 'coredns',
          ports: [{ name: 'dns', containerPort: CLUSTER_DNS_PORT, protocol: CLUSTER_DNS_PROTOCOL }],
        },
      ],
    },
  };
}

/**
 * The cluster's DNS server as NetworkPolicy peers, one pod per known label set: a pod's egress is
 * judged towards each to say whether its lookups can leave, and admitted when any is reached.
 */
export const CLUSTER_DNS_PODS: readonly Pod[] = CLUSTER_DNS_LABEL_SETS.map(clusterDnsPod);

/** The labels every namespace carries (Kubernetes 1.21+), when its own were not read. */
export function defaultNamespaceLabels(namespace: string): StringMap {
  return { 'kubernetes.io/metadata.name': namespace };
}
