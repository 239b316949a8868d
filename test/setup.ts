// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks; the local pipeline
// installs the same polyfill, so tests and `paramedic triage` run the workflow identically.
import '../lambdas/adapters/local/polyfills.js';
// The fact extractors are synchronous; the NetworkPolicy DNS judgement is loaded once, as the CLI and Lambdas do.
import { loadDnsJudgement } from '../lambdas/core/classify/facts/policy-dns-judgement-loader.js';
await loadDnsJudgement();
