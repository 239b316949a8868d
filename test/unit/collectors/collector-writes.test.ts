import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { requires } from '../../support/requirements.js';

const strace = requires('strace');
const scratch = mkdtempSync(join(tmpdir(), 'pm-writes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Every path a traced run (`strace -f -y`) opened for writing, created, renamed, linked or removed,
 * successful calls only, made absolute: `-y` prints a directory fd's path, relative names start at `cwd`.
 */
function writtenPaths(trace: string, cwd: string): string[] {
  const paths: string[] = [];
  for (const line of trace.split('\n')) {
    const call = /^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (!call || Number(call[3]) < 0) continue;
    const [, name, args] = call;
    if (
      !/^(open|openat|creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat|unlink|unlinkat|rmdir|truncate|chmod|fchmodat|chown|fchownat|utimensat|mknod|mknodat)$/.test(
        name!,
      )
    )
      continue;
    if (/^open(at)?$/.test(name!) && !/O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(args!))
      continue;
    const dir = /^\d+<([^>]*)>,/.exec(args!)?.[1] ?? cwd;
    for (const m of args!.matchAll(/(?:^|, )"((?:[^"\\]|\\.)*)"/g)) {
      const path = m[1]!;
      paths.push(path.startsWith('/') ? path : `${dir}/${path}`);
    }
  }
  return paths;
}

describe('collectors write nothing outside their own temp dir', () => {
  for (const collector of ['docker-host.sh', 'eks-node.sh']) {
    it.skipIf(strace.skip)(
      strace.title(`${collector}: every write, create and delete of a traced run is under TMPDIR`),
      () => {
        const tmp = mkdtempSync(join(scratch, 'tmp-'));
        const home = mkdtempSync(join(scratch, 'home-'));
        const log = join(scratch, `${collector}.trace`);
        const r = spawnSync(
          'strace',
          [
            '-f',
            '-qq',
            '-y',
            '-e',
            'trace=%file',
            '-o',
            log,
            'bash',
            join(REPO_ROOT, 'runbooks/collectors', collector),
          ],
          {
            cwd: tmp,
            env: {
              PATH: process.env.PATH,
              HOME: home,
              TMPDIR: tmp,
              DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
              PARAMEDIC_IO_SAMPLE_SECONDS: '1',
            },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 120_000,
          },
        );
        expect(r.status, r.stderr).toBe(0);
        expect(() => JSON.parse(r.stdout)).not.toThrow();
        const outside = writtenPaths(readFileSync(log, 'utf8'), tmp).filter(
          (p) =>
            !p.startsWith(`${tmp}/`) &&
            p !== tmp &&
            p !== '/dev/null' &&
            !p.startsWith('/dev/fd/') &&
            !p.startsWith('/proc/self/fd/'),
        );
        expect(outside).toEqual([]);
        // The run removed its own directory under TMPDIR, and left HOME as it found it.
        expect(readdirSync(tmp)).toEqual([]);
        expect(readdirSync(home)).toEqual([]);
      },
    );
  }
});
