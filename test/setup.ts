// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks; the local pipeline
// installs the same polyfill, so tests and `paramedic triage` run the workflow identically.
import '../lambdas/adapters/local/polyfills.js';
