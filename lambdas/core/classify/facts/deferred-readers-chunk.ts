/** What loadDeferredReaders imports (deferred-readers.ts): one chunk for the readers it keeps out of a cold start. */
export { readProxyRouted } from './joins/proxy-routed-reading.js';
export { judgeDnsBlocked } from './policy-dns-judgement.js';
