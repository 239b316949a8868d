import type { Pod, StringMap } from './types.js';

/** The port cluster DNS answers on. */
export const CLUSTER_DNS_PORT = 53;

/** The protocol resolvers ask on first (TCP only after a truncated UDP answer, which never comes when UDP is dropped). */
export const CLUSTER_DNS_PROTOCOL = 'UDP';

/**
 * The cluster's DNS server as a NetworkPolicy peer: a CoreDNS pod of the kube-dns Deployment in
 * kube-system (`k8s-app: kube-dns` on kubeadm, EKS, GKE and AKS), serving 53/UDP on a port named
 * `dns`. A pod's egress is judged towards it to say whether the pod's lookups can leave.
 */
export const CLUSTER_DNS_POD: Pod = {
  metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    containers: [
      {
        name: 'coredns',
        ports: [{ name: 'dns', containerPort: CLUSTER_DNS_PORT, protocol: CLUSTER_DNS_PROTOCOL }],
      },
    ],
  },
};

/** The labels every namespace carries (Kubernetes 1.21+), when its own were not read. */
export function defaultNamespaceLabels(namespace: string): StringMap {
  return { 'kubernetes.io/metadata.name': namespace };
}
