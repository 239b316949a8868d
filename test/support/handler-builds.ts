/**
 * One production build of each Lambda handler per source tree, shared on disk by the test files
 * that weigh the bundles (bundle-size.test.ts) and run them (built-bundles.test.ts). Vitest runs
 * each file in its own process, possibly at the same time, and a build of all seventeen handlers
 * took minutes of a busy CI machine per file; now the first process to ask builds a handler and
 * the others read its output.
 *
 * - The build is {@link buildLambda}, the one CDK runs at synth, into a directory of its own: what
 *   the tests weigh and run is what deploys (only the chunk names' hashes depend on the folder).
 * - The cache is keyed by {@link sourceKey}: the content of every file the bundles are built from
 *   (including files git does not track yet), the lockfiles, esbuild's version and the checkout's
 *   path (source maps and the metafile name sources relative to it). Each build checks that every
 *   input of ours lies under the keyed paths ({@link unkeyedInputs}), so a bundle that starts to
 *   read from elsewhere fails loudly instead of being served stale.
 * - One builder per handler: a lock file (the product's {@link withFileLock}, which takes over the
 *   lock of a process that died). An entry is complete when its metafile exists; the metafile is
 *   written last, by a rename, so no reader sees a half-written build. (Building into a temporary
 *   directory and renaming it would leave the temporary name in the metafile's output paths.)
 * - Keys are never modified once complete; a key no process used for {@link UNUSED_KEY_MS} is
 *   removed when a new key is started, so editing a handler all day does not fill the disk.
 */
import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Metafile, version as esbuildVersion } from 'esbuild';
import { buildLambda } from '../../cdk/constructs/lambda-bundling.js';
import { FileLockTimeoutError, withFileLock } from '../../lambdas/adapters/local/file-lock.js';
import { REPO_ROOT } from '../../lambdas/adapters/local/runbook-directory.js';

/** A handler's production bundle, as CDK builds it. */
export interface HandlerBuild {
  /** The directory holding `index.mjs`, its chunks and their source maps, and nothing else. */
  readonly dir: string;
  /** esbuild's metafile of that build (output paths relative to the repository root). */
  readonly metafile: Metafile;
}

/**
 * What the bundles are built from, relative to the repository root: the sources the handlers
 * import, the build's options and plugins, what esbuild reads beside them, and the installed
 * packages (npm rewrites node_modules/.package-lock.json on every install).
 */
export const KEYED_PATHS = [
  'lambdas',
  'cdk/constructs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'node_modules/.package-lock.json',
] as const;

/** A key unused for this long may be removed (a test file reads its builds within minutes). */
export const UNUSED_KEY_MS = 60 * 60_000;

/** How long a process waits for another one building the same handler (setup timeouts are 10 min). */
const WAIT_MS = 10 * 60_000;
/** How often a waiter looks again: a build takes seconds, so no need to spin. */
const POLL_MS = 200;

/** The cache's root: one per user, shared by every checkout (the key names the checkout). */
const CACHE_ROOT = join(tmpdir(), `paramedic-handler-builds-${process.getuid?.() ?? 'user'}`);

/** This file's source: a change to how the cache is laid out is a new key. */
const THIS_FILE = fileURLToPath(import.meta.url);

/** Every file under `path` (a file or a folder, relative to `root`), sorted; [] when it does not exist. */
function filesUnder(root: string, path: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, path), { recursive: true, withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return [path];
    if (code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * The cache key of a checkout: a hash of `root`, the esbuild version, this module's source, and
 * the path and content of every file under {@link KEYED_PATHS}. Any edit, new file, deletion or
 * rename there gives a new key; nothing outside them is read.
 */
export function sourceKey(root: string, esbuild: string = esbuildVersion): string {
  const hash = createHash('sha256');
  hash.update(`root\0${root}\0esbuild\0${esbuild}\0`);
  hash.update(readFileSync(THIS_FILE));
  for (const keyed of KEYED_PATHS) {
    hash.update(`\0keyed\0${keyed}\0`);
    for (const file of filesUnder(root, keyed)) {
      const content = readFileSync(join(root, file));
      hash.update(`\0file\0${file}\0${content.length}\0`);
      hash.update(content);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The metafile's inputs that are neither installed packages (keyed by the lockfiles) nor under
 * {@link KEYED_PATHS}: a build that reads one could be served stale, so it must be keyed first.
 */
export function unkeyedInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter(
    (input) =>
      !input.split('/').includes('node_modules') &&
      !KEYED_PATHS.some((keyed) => input === keyed || input.startsWith(`${keyed}/`)),
  );
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Removes the keys beside `current` that no process used for {@link UNUSED_KEY_MS}. */
async function removeUnusedKeys(current: string): Promise<void> {
  for (const name of await readdir(CACHE_ROOT)) {
    if (name === current) continue;
    const path = join(CACHE_ROOT, name);
    try {
      if (Date.now() - (await stat(path)).mtimeMs <= UNUSED_KEY_MS) continue;
      // Renamed away first (one atomic step), so no process finds the key half deleted.
      const aside = join(CACHE_ROOT, `.removing-${process.pid}-${name}`);
      await rename(path, aside);
      // Housekeeping: a folder another process is removing too must not fail the tests.
      await rm(aside, { recursive: true, force: true }).catch(() => undefined);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}

let keyDirOnce: Promise<string> | undefined;

/** This checkout's key folder, created (and marked used) once per process. */
function keyDir(): Promise<string> {
  keyDirOnce ??= (async () => {
    const key = sourceKey(REPO_ROOT);
    const dir = join(CACHE_ROOT, key);
    const created = (await mkdir(dir, { recursive: true })) !== undefined;
    const now = new Date();
    await utimes(dir, now, now);
    if (created) await removeUnusedKeys(key);
    return dir;
  })();
  return keyDirOnce;
}

async function readComplete(dir: string, metafilePath: string): Promise<HandlerBuild | null> {
  try {
    return { dir, metafile: JSON.parse(await readFile(metafilePath, 'utf8')) as Metafile };
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

async function buildUnderLock(file: string, dir: string, metafilePath: string) {
  const done = await readComplete(dir, metafilePath);
  if (done) return done;
  // A builder that died left a partial folder and no metafile: start from nothing.
  await rm(dir, { recursive: true, force: true });
  const metafile = await buildLambda(REPO_ROOT, `lambdas/handlers/${file}`, dir);
  const unkeyed = unkeyedInputs(metafile);
  if (unkeyed.length > 0)
    throw new Error(
      `lambdas/handlers/${file} bundles ${unkeyed.join(', ')}, outside the paths the build cache is keyed by: add their folder to KEYED_PATHS in test/support/handler-builds.ts`,
    );
  const written = `${metafilePath}.${process.pid}.tmp`;
  await writeFile(written, JSON.stringify(metafile));
  await rename(written, metafilePath);
  return { dir, metafile };
}

async function buildOnce(file: string): Promise<HandlerBuild> {
  const key = await keyDir();
  const name = file.replace(/\.ts$/, '');
  const dir = join(key, name);
  const metafilePath = join(key, `${name}.metafile.json`);
  const lockPath = join(key, `${name}.lock`);
  const started = Date.now();
  for (;;) {
    const done = await readComplete(dir, metafilePath);
    if (done) return done;
    try {
      // No wait inside the lock (its polling suits locks held for milliseconds): one attempt,
      // which also takes over the lock of a builder that died, and the waiting is done here.
      return await withFileLock(lockPath, () => buildUnderLock(file, dir, metafilePath), {
        timeoutMs: 0,
      });
    } catch (error) {
      // The key was removed as unused the moment before this process marked it used (another
      // checkout's cleanup): make it again and build.
      if (isMissing(error)) await mkdir(key, { recursive: true });
      else if (!(error instanceof FileLockTimeoutError)) throw error;
    }
    if (Date.now() - started > WAIT_MS)
      throw new Error(
        `waited ${Math.round((Date.now() - started) / 1000)} s for another process to build lambdas/handlers/${file} into ${dir}: if no test is running, delete ${lockPath} and run again`,
      );
    await sleep(POLL_MS);
  }
}

const builds = new Map<string, Promise<HandlerBuild>>();

/**
 * The production build of `lambdas/handlers/<file>` for the current sources: read from the cache,
 * or built once for every process of the test run.
 * @example const { dir, metafile } = await handlerBuild('collect.ts');
 */
export function handlerBuild(file: string): Promise<HandlerBuild> {
  let build = builds.get(file);
  if (!build) {
    build = buildOnce(file);
    builds.set(file, build);
  }
  return build;
}
