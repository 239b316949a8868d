import { describe, expect, it } from 'vitest';
import { ingressBackend } from '../../../../../lambdas/core/classify/facts/joins/ingress-backend.js';
import { joined } from './join-input.js';

const INGRESS_RULE = (service: string) =>
  [
    '  - host: search.example.test',
    '    http:',
    '      paths:',
    '      - backend:',
    '          service:',
    `            name: ${service}`,
    '            port:',
    '              number: 8080',
    '        path: /',
  ].join('\n');
const LISTING = [
  'k get svc -n search',
  'NAME      TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)    AGE',
  'search    ClusterIP   10.43.164.243   <none>        8080/TCP   122m',
].join('\n');

describe('ingress.backend (an ingress backend joined with the Services listed)', () => {
  it('a backend the listing does not hold is not listed; one it holds is', () => {
    expect(
      joined(ingressBackend, { 'k8s.services': `${INGRESS_RULE('search-search')}\n${LISTING}` }),
    ).toEqual([{ service: 'search-search', listed: false }]);
    expect(
      joined(ingressBackend, { 'k8s.services': `${INGRESS_RULE('search')}\n${LISTING}` }),
    ).toEqual([{ service: 'search', listed: true }]);
  });

  it('reads the all-namespaces listing by its NAME column', () => {
    const all = [
      'NAMESPACE   NAME     TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE',
      'search      search   ClusterIP   10.43.0.10     <none>        80/TCP    1d',
    ].join('\n');
    expect(
      joined(ingressBackend, { 'k8s.ingress': INGRESS_RULE('search'), 'k8s.services': all }),
    ).toEqual([{ service: 'search', listed: true }]);
  });

  it('no listing, or a table that is not a Service listing, decides nothing', () => {
    expect(joined(ingressBackend, { 'k8s.services': INGRESS_RULE('search-search') })).toEqual([]);
    const pods = [
      'NAME                 READY   STATUS    RESTARTS   AGE',
      'search-7d9f-abcde    1/1     Running   0          2m',
    ].join('\n');
    expect(
      joined(ingressBackend, { 'k8s.services': `${INGRESS_RULE('search-search')}\n${pods}` }),
    ).toEqual([]);
  });

  it('a listing narrowed to named Services or a selector decides nothing: it shows only what was asked', () => {
    // k8s.cluster's cluster DNS Service, beside an ingress in another namespace.
    const kubeDns = [
      '$ kubectl -n kube-system get service kube-dns',
      'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE',
      'kube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d',
    ].join('\n');
    expect(
      joined(ingressBackend, { 'k8s.cluster': kubeDns, 'k8s.services': INGRESS_RULE('web') }),
    ).toEqual([]);
    const rows = LISTING.split('\n').slice(1).join('\n');
    for (const command of [
      'kubectl get svc/search -n search',
      'kubectl get services -n search -l app=search',
      'k get svc --selector=app=search -n search',
    ])
      expect(
        joined(ingressBackend, { 'k8s.services': `${INGRESS_RULE('web')}\n${command}\n${rows}` }),
      ).toEqual([]);
    // Flags and their values name no Service: the listing is the namespace's.
    expect(
      joined(ingressBackend, {
        'k8s.services': `${INGRESS_RULE('web')}\n$ kubectl get svc -n search -o wide --show-labels\n${rows}`,
      }),
    ).toEqual([{ service: 'web', listed: false }]);
    // Nor do a redirection's file descriptor and an impersonation flag's value.
    expect(
      joined(ingressBackend, {
        'k8s.services': `${INGRESS_RULE('web')}\n$ kubectl get svc -n search --as admin 2>&1\n${rows}`,
      }),
    ).toEqual([{ service: 'web', listed: false }]);
  });

  it('a listing ends at the first row that is not a Service', () => {
    const text = `${LISTING}\nk get pods\nother   Running   1/1\n${INGRESS_RULE('other')}`;
    expect(joined(ingressBackend, { 'k8s.services': text })).toEqual([
      { service: 'other', listed: false },
    ]);
  });
});
