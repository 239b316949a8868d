// Writes runbooks/runbook.schema.json from the zod schema, so editors autocomplete runbooks
// (each YAML starts with `# yaml-language-server: $schema=./runbook.schema.json`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runbookJsonSchema } from '../lambdas/core/runbook/json-schema.js';
import { DEFAULT_RUNBOOK_DIR } from '../lambdas/adapters/local/runbook-directory.js';

const file = join(DEFAULT_RUNBOOK_DIR, 'runbook.schema.json');
writeFileSync(file, `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
