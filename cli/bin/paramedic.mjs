#!/usr/bin/env node
// The published entry point: runs the compiled command (dist/cli, built by `npm ci` through the
// `prepare` script, or by `npm run build`). Plain JavaScript, no TypeScript loader at run time.
import { existsSync } from 'node:fs';

const main = new URL('../../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'paramedic: the command is not built (dist/cli/main.js is missing); run "npm run build" (npm ci does it too)\n',
  );
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import(main.href);
