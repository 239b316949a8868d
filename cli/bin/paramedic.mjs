#!/usr/bin/env node
// The published entry point: registers tsx so the TypeScript sources run as they are, with the
// same modules the Lambdas bundle (one classifier, one set of adapters).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../main.ts');
