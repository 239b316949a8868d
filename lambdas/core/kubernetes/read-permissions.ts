/**
 * The Kubernetes reads the collection side makes (cluster reader, target lookup, Verify's state
 * reader), as RBAC `verb resource` pairs like the catalogue's action permissions. CDK renders the
 * collection role's RBAC from this list; a test runs the readers against the local API server and
 * checks they stay within it, and that nothing here is unused.
 */
export const COLLECTION_KUBERNETES_PERMISSIONS = [
  'get nodes',
  'list nodes',
  'get pods',
  'list pods',
  'get pods/log',
  'list events',
  'list namespaces',
  // The cluster DNS Service (kube-system/kube-dns), read by name: its ClusterIP is compared with
  // kubelet's clusterDNS.
  'get services',
  'list services',
  'list endpoints',
  'list ingresses',
  'list networkpolicies',
] as const;
