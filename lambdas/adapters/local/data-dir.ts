import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

/** The embedded default's data directory: `--data-dir`, else `$PARAMEDIC_HOME`, else `.paramedic/` in the cwd. */
export function resolveDataDir(
  option?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  if (option) return resolve(cwd, option);
  if (env.PARAMEDIC_HOME) return resolve(cwd, env.PARAMEDIC_HOME);
  return join(cwd, '.paramedic');
}

/** Hex sha256 of a string or bytes (the hash port of the audit chain and evidence references). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file-name-safe, collision-free name for an arbitrary key: readable prefix plus a short hash. */
export function safeFileName(key: string): string {
  const readable = key
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 60);
  return `${readable}-${sha256Hex(key).slice(0, 12)}`;
}
