// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks; the local pipeline
// installs the same polyfill, so tests and `paramedic triage` run the workflow identically.
import '../lambdas/adapters/local/polyfills.js';
// Fact extractors and joins are synchronous; the deferred readers are loaded once, as the CLI and Lambdas do.
import { loadDeferredReaders } from '../lambdas/core/classify/facts/deferred-readers.js';
await loadDeferredReaders();
