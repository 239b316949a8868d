import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';

// The Docker-host document as SSM would run it, on a host with more running containers than the
// collector inspects (its 30 newest): the alarmed container's pid must be found whatever its age.
const scratch = mkdtempSync(join(tmpdir(), 'pm-docker-target-pid-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Container n's full id: n in hex, zero-padded to 64 digits. */
const idOf = (n: number) => n.toString(16).padStart(64, '0');

/**
 * A fake host first on PATH, logging every docker call: `docker ps` lists web01 (newest) to web35
 * (oldest), all running; `docker inspect` answers for any webNN (pid 1000+NN), web99 included
 * though the listing leaves it out; `strace` writes one line to its -o file.
 */
async function collectTracing(container: string) {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const calls = join(dir, 'docker-calls');
  writeFileSync(calls, '');
  const script = (name: string, text: string) => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  script(
    'docker',
    `#!/bin/bash
printf '%s\\n' "$*" >>${JSON.stringify(calls)}
n_of() { case "$1" in web*) echo $((10#\${1#web})) ;; *) echo $((16#\${1: -8})) ;; esac; }
case "$1" in
  version|info) echo 'Server: fake' ;;
  ps) if [[ "$*" == *--format* ]]; then for i in $(seq 1 35); do printf '%064x web%02d Up 2 hours\\n' "$i" "$i"; done; fi ;;
  inspect)
    shift; template=$2; shift 2; [ "\${1:-}" != -- ] || shift
    for ref in "$@"; do
      n=$(n_of "$ref")
      case "$template" in
        '{{.Id}}') printf '%064x\\n' "$n" ;;
        '{{.State.Pid}}') echo $((1000 + n)) ;;
        *) printf '%d /web%02d %064x|172.17.0.%d |\\n' $((1000 + n)) "$n" "$n" "$n" ;;
      esac
    done ;;
esac
exit 0
`,
  );
  script(
    'strace',
    `#!/bin/bash
while [ $# -gt 0 ]; do case "$1" in -p) pid=$2; shift 2 ;; -o) out=$2; shift 2 ;; *) shift ;; esac; done
echo "12:00:00.000000 write(1, \\"traced $pid\\", 9) = 9" >"$out"
`,
  );
  script('dmesg', '#!/bin/sh\nexit 0\n');
  const { bundle } = await collectEvidence({
    platform: 'docker',
    runner: new LocalCommandRunner({
      env: {
        DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
        PATH: `${bin}:${process.env.PATH}`,
        PM_SYSTEMD_RUN_DIR: join(dir, 'absent'),
      },
    }),
    parameters: { container, straceSeconds: '1', sinceMinutes: '5' },
  });
  return { trace: bundle.sections['trace.syscalls']!, calls: readFileSync(calls, 'utf8') };
}

describe('docker-host collector: the alarmed container is traced whatever its age', () => {
  it('inspects the oldest of 35 running containers with the 30 newest, and traces its pid', async () => {
    const { trace, calls } = await collectTracing('web35');
    expect(trace.output).not.toContain('has no running main process');
    expect(trace.error).toBeNull();
    expect(trace.output).toContain('strace -f -tt -C -p 1035 for 1s');
    expect(trace.output).toContain('traced 1035');
    // One inspect of the running ones, the target among them: no second round trip for its pid.
    const batch = calls
      .split('\n')
      .filter((c) => c.startsWith('inspect -f {{.State.Pid}} {{.Name}}'));
    expect(batch).toHaveLength(1);
    expect(batch[0]).toContain(idOf(35));
    expect(batch[0]!.split(' ').filter((w) => /^[0-9a-f]{64}$/.test(w))).toHaveLength(31);
  }, 90_000);

  it('asks for the pid of a running container beyond the listing on its own', async () => {
    const { trace } = await collectTracing('web99');
    expect(trace.output).not.toContain('has no running main process');
    expect(trace.output).toContain('strace -f -tt -C -p 1099 for 1s');
    expect(trace.output).toContain('traced 1099');
  }, 90_000);
});
