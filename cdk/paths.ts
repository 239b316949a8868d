/** Filesystem anchors of the CDK app (ESM: no __dirname). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (one level above cdk/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
