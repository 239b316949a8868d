/**
 * metav1.Status bodies with the wording the real kube-apiserver uses, for the local API server.
 * Sources: k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewForbidden, NewConflict,
 * NewResourceExpired), plugin/pkg/auth/authorizer/rbac (the "cannot <verb> resource" reason) and
 * pkg/registry/core/pod/storage/eviction.go (checkAndDecrement).
 */

type Obj = Record<string, any>;

/** A Status body; `details` as the server fills it. */
export function statusBody(code: number, reason: string, message: string, details?: Obj): Obj {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `group/resource` as the server qualifies it in messages (`deployments.apps`, `nodes`). */
export function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** 404: `pods "x" not found`. */
export function notFound(resource: string, group: string, name: string): Obj {
  return statusBody(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });
}

/**
 * 403 from RBAC: `nodes "x" is forbidden: User "u" cannot get resource "nodes" in API group "" at the cluster scope`
 * (namespaced: `... in the namespace "ns"`; lists have no name: `pods is forbidden: ...`).
 */
export function forbidden(
  user: string,
  verb: string,
  resource: string,
  group: string,
  name: string | undefined,
  namespace: string | undefined,
): Obj {
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const subject = name
    ? `${qualified(resource.split('/')[0]!, group)} "${name}"`
    : qualified(resource.split('/')[0]!, group);
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`;
  return statusBody(403, 'Forbidden', message, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind: resource.split('/')[0],
  });
}

/** 409 on a stale resourceVersion. */
export function conflict(resource: string, group: string, name: string): Obj {
  return statusBody(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group ? { group } : {}), kind: resource },
  );
}

/** 410 for a continue token older than the last compaction. */
export function continueExpired(): Obj {
  return statusBody(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

/** 429 from the eviction subresource when a PodDisruptionBudget allows no disruption. */
export function disruptionBudgetRefusal(pdb: Obj): Obj {
  const s = pdb.status ?? {};
  return statusBody(
    429,
    'TooManyRequests',
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdb.metadata?.name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`,
        },
      ],
    },
  );
}

/** 500 when more than one budget selects the pod (the eviction subresource refuses to choose). */
export function multipleBudgets(): Obj {
  return statusBody(
    500,
    'InternalError',
    'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
  );
}
