import type { FactJoin } from './fact-join.js';
import { deferredReaders } from '../deferred-readers.js';

/**
 * A daemon's failing request whose host its own proxy settings send through the proxy: the host
 * in the request's URL is not covered by the same daemon's NO_PROXY (Go's rules, go-http-proxy.ts),
 * and nothing on the line shows a direct connection. Settings of a shell or a container never
 * count: only the daemon's own environment decides where its requests go. Fields: daemon, scheme,
 * host, port, destination (cluster-api, private, link-local, cluster, other), proxy (host:port),
 * noProxy (as set, clipped), shown (the line itself names the proxy).
 */
export const proxyRouted: FactJoin = {
  kind: 'proxy.routed',
  inputs: ['proxy.setting'],
  markers: ['proxy'],
  // The reading (proxy-routed-reading.ts) and Go's NO_PROXY rules with their address library
  // load with the deferred readers; not loaded, no request is judged sent to a proxy.
  join: (input) => deferredReaders()?.readProxyRouted(input) ?? [],
};
