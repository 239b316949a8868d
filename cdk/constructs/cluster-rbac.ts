/**
 * Kubernetes RBAC for the groups the EKS access entries map Paramedic's roles to, derived from
 * the declared permissions (the catalogue's per-action `kubernetes` verbs for remediation, the
 * readers' list for collection). EKS access policies are fixed and coarse, so the exact verbs are
 * granted here and applied once per cluster with `kubectl apply -f docs/eks-rbac.yaml`.
 */
import { stringify } from 'yaml';
import { COLLECTION_KUBERNETES_PERMISSIONS } from '../../lambdas/core/kubernetes/read-permissions.js';
import { listActions } from '../../lambdas/core/remediation/catalog.js';

/** The Kubernetes group of the collection roles (Intake, Collect, Verify). */
export const COLLECTION_GROUP = 'paramedic-collection';
/** The Kubernetes group of the remediation role (RemediateStep). */
export const REMEDIATION_GROUP = 'paramedic-remediation';

/** API group of each resource the permissions name ('' is the core group). */
const API_GROUP: Readonly<Record<string, string>> = {
  nodes: '',
  pods: '',
  'pods/log': '',
  'pods/eviction': '',
  events: '',
  namespaces: '',
  services: '',
  endpoints: '',
  deployments: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  ingresses: 'networking.k8s.io',
  networkpolicies: 'networking.k8s.io',
};

/** A permission names a resource with no known API group: add it to API_GROUP. */
export class UnknownKubernetesResourceError extends Error {
  constructor(permission: string) {
    super(
      `kubernetes permission "${permission}" names a resource cdk/constructs/cluster-rbac.ts does not know the API group of; add it to API_GROUP`,
    );
    this.name = 'UnknownKubernetesResourceError';
  }
}

/** One ClusterRole rule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Groups `verb resource` permissions into rules, one per API group and verb set, sorted for stable output. */
export function rulesFor(permissions: Iterable<string>): PolicyRule[] {
  const verbsByResource = new Map<string, Set<string>>();
  for (const p of permissions) {
    const [verb, resource] = p.split(' ');
    if (!verb || !resource || API_GROUP[resource] === undefined)
      throw new UnknownKubernetesResourceError(p);
    verbsByResource.set(resource, (verbsByResource.get(resource) ?? new Set()).add(verb));
  }
  const rules = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[] }>();
  for (const [resource, verbs] of [...verbsByResource].sort(([a], [b]) => a.localeCompare(b))) {
    const v = [...verbs].sort();
    const key = `${API_GROUP[resource]}|${v.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [API_GROUP[resource]!], resources: [], verbs: v };
    rule.resources.push(resource);
    rules.set(key, rule);
  }
  return [...rules.values()].sort((a, b) =>
    `${a.apiGroups[0]}|${a.resources[0]}`.localeCompare(`${b.apiGroups[0]}|${b.resources[0]}`),
  );
}

/** The verbs the remediation role needs: the union of every kubernetes/aws action's declaration. */
export function remediationPermissions(): string[] {
  return [...new Set(listActions().flatMap((a) => a.permissions.kubernetes))].sort();
}

function roleAndBinding(name: string, group: string, rules: PolicyRule[], why: string): object[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name,
        labels: { 'app.kubernetes.io/part-of': 'paramedic' },
        annotations: { 'paramedic/why': why },
      },
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: { 'app.kubernetes.io/part-of': 'paramedic' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    },
  ];
}

/**
 * The manifest (YAML, several documents) that grants the two groups exactly their verbs.
 * @example writeFileSync('docs/eks-rbac.yaml', rbacManifest())
 */
export function rbacManifest(): string {
  const docs = [
    ...roleAndBinding(
      COLLECTION_GROUP,
      COLLECTION_GROUP,
      rulesFor(COLLECTION_KUBERNETES_PERMISSIONS),
      'Reads of the Intake (target resolution), Collect and Verify steps (lambdas/core/kubernetes/read-permissions.ts)',
    ),
    ...roleAndBinding(
      REMEDIATION_GROUP,
      REMEDIATION_GROUP,
      rulesFor(remediationPermissions()),
      'Verbs the catalogue declares for the kubernetes and aws actions (lambdas/core/remediation/catalog.ts)',
    ),
  ];
  const header =
    '# Generated from lambdas/core/remediation/catalog.ts and lambdas/core/kubernetes/read-permissions.ts by cdk/constructs/cluster-rbac.ts.\n# Apply once per cluster: kubectl apply -f docs/eks-rbac.yaml (test/cdk/cluster-access.test.ts keeps this file current).\n';
  return header + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
