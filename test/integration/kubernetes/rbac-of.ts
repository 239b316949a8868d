import type { RecordedRequest } from './fake-api-server.js';

/**
 * `verb resource` as RBAC names it for one request to the API server (`get nodes`,
 * `create pods/eviction`, `list pods`); non-resource URLs (/readyz, /version) come back as
 * `GET /readyz`, which every authenticated user may read (system:public-info-viewer, system:discovery).
 */
export function rbacOf(r: RecordedRequest): string {
  const path = r.path.split('?')[0]!;
  const m =
    /^\/(?:api\/v1|apis\/[a-z0-9.]+\/v1)(?:\/namespaces\/[^/]+)?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(
      path,
    );
  if (!m) return `${r.method} ${path}`;
  const [, resource, name, sub] = m;
  const verb =
    r.method === 'GET'
      ? name
        ? 'get'
        : 'list'
      : (
          { PATCH: 'patch', PUT: 'update', POST: 'create', DELETE: 'delete' } as Record<
            string,
            string
          >
        )[r.method]!;
  return `${verb} ${sub ? `${resource}/${sub}` : resource}`;
}
