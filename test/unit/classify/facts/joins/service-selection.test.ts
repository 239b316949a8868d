import { describe, expect, it } from 'vitest';
import { serviceSelection } from '../../../../../lambdas/core/classify/facts/joins/service-selection.js';
import { joined } from './join-input.js';

const SERVICE_YAML = (selector: string) =>
  [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: gateway',
    '  namespace: shop',
    '  labels:',
    '    app: gateway',
    'spec:',
    '  ports:',
    '  - port: 8080',
    '    protocol: TCP',
    '    targetPort: 8888',
    '  selector:',
    `    app: ${selector}`,
  ].join('\n');
const NGINX_502 =
  '10.0.0.1 - - [02/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.5.0" 75 0.002 [shop-gateway-8080] [] 10.0.3.7:8888 0 0.002 502 abc';
const describeService = (selector: string, endpoints: string) =>
  [
    '$ kubectl describe service -n shop gateway',
    'Name:                     gateway',
    'Namespace:                shop',
    'Labels:                   app=gateway',
    '                          tier=edge',
    'Annotations:              <none>',
    `Selector:                 ${selector}`,
    'Type:                     ClusterIP',
    'Port:                     http  80/TCP',
    'TargetPort:               8888/TCP',
    `Endpoints:                ${endpoints}`,
    '',
    '$ kubectl describe ingress -n shop gateway',
    'Name:             gateway',
    'Namespace:        shop',
    'Rules:',
    '  Host               Path  Backends',
    '  ----               ----  --------',
    '  shop.example.test',
    '                     /      gateway:80 (10.0.3.7:8888)',
  ].join('\n');
const describePod = (name: string, app: string, status = 'Running') =>
  [
    `Name:             ${name}`,
    'Namespace:        shop',
    'Node:             ip-10-0-1-23.eu-west-1.compute.internal/10.0.1.23',
    `Labels:           app=${app}`,
    '                  pod-template-hash=7d6c5b4a3',
    `Status:           ${status}`,
    'Containers:',
    '  main:',
  ].join('\n');

describe('service.selection (a Service selector joined with its own labels, the pods and the ingress)', () => {
  it('a Service labelled app=gateway selecting app=discovery, with the ingress upstream failing', () => {
    const facts = joined(serviceSelection, {
      'k8s.services': SERVICE_YAML('discovery'),
      'k8s.pod-logs': NGINX_502,
    });
    expect(facts).toEqual([
      {
        name: 'gateway',
        namespace: 'shop',
        selector: 'app=discovery',
        selectorConflict: true,
        podsSeen: 0,
        selectedPods: null,
        backendPodsUnselected: 0,
        endpoints: null,
        ingressBackend: true,
        upstreamFailing: true,
      },
    ]);
  });

  it('live pods labelled as the Service but left out by its selector, behind an ingress', () => {
    const facts = joined(serviceSelection, {
      'k8s.services': describeService('app=gatewy', '10.0.9.9:8888'),
      'k8s.pods': describePod('gateway-7d6c5b4a3-m2n3b', 'gateway'),
    });
    expect(facts).toMatchObject([
      {
        selectorConflict: true,
        podsSeen: 1,
        selectedPods: 0,
        backendPodsUnselected: 1,
        endpoints: 'some',
        ingressBackend: true,
        upstreamFailing: false,
      },
    ]);
  });

  it('negative: a Service whose selector matches the running pods stays healthy', () => {
    const facts = joined(serviceSelection, {
      'k8s.services': describeService('app=gateway', '10.0.3.7:8888'),
      'k8s.pods': describePod('gateway-7d6c5b4a3-m2n3b', 'gateway'),
      'k8s.pod-logs': NGINX_502.replace(' 502 157 ', ' 200 157 ').replace(' 502 abc', ' 200 abc'),
    });
    expect(facts).toMatchObject([
      {
        selectorConflict: false,
        selectedPods: 1,
        backendPodsUnselected: 0,
        ingressBackend: true,
        upstreamFailing: false,
      },
    ]);
  });

  it('reads `kubectl get pods --show-labels`, and a finished pod is not a backend', () => {
    const pods = [
      'NAME                      READY   STATUS      RESTARTS   AGE   LABELS',
      'gateway-7d6c5b4a3-m2n3b   1/1     Running     0          5m    app=gateway,pod-template-hash=7d6c5b4a3',
      'gateway-migrate-x1y2z     0/1     Completed   0          9m    app=gateway,job=migrate',
    ].join('\n');
    const facts = joined(serviceSelection, {
      'k8s.services': SERVICE_YAML('gateway'),
      'k8s.pods': pods,
    });
    expect(facts).toMatchObject([{ selectorConflict: false, podsSeen: 1, selectedPods: 1 }]);
  });

  it('an upstream failure of another Service does not mark this one', () => {
    const facts = joined(serviceSelection, {
      'k8s.services': SERVICE_YAML('discovery'),
      'k8s.pod-logs': NGINX_502.replace('[shop-gateway-8080]', '[shop-gateway-admin-8080]'),
    });
    expect(facts).toMatchObject([{ upstreamFailing: false, ingressBackend: false }]);
  });
});
