import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { findOnPath } from '../../support/requirements.js';

const LIB = join(REPO_ROOT, 'runbooks/collectors/lib.sh');
const scratch = mkdtempSync(join(tmpdir(), 'pm-masking-'));
const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) d.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `body` in bash with the collector library sourced, `input` on its stdin; its stdout. */
function bash(body: string, input = ''): string {
  const file = join(scratch, `input-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, input);
  // stdin a file, not Node's socket: bash would read ~/.bashrc, taking itself for a remote shell.
  const r = spawnSync('bash', ['-c', `set -euo pipefail\n. ${JSON.stringify(LIB)}\n${body}`], {
    env: { PATH: process.env.PATH, TMPDIR: scratch },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: [openSync(file, 'r'), 'pipe', 'pipe'],
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const mask = (text: string) => bash('pm_mask_text_credentials', text);

describe('pm_mask_text_credentials: every proxy credential in free text, nothing else', () => {
  // [what it is, the line, the line as filed]
  const cases: [string, string, string][] = [
    [
      'a scheme-less proxy in /etc/sysconfig/docker',
      'HTTP_PROXY=u:pw@proxy:3128',
      'HTTP_PROXY=****@proxy:3128',
    ],
    [
      'a scheme-less proxy in a unit Environment=',
      'Environment=https_proxy=svc:hunter2@10.0.0.5:3128 FOO=bar',
      'Environment=https_proxy=****@10.0.0.5:3128 FOO=bar',
    ],
    [
      "`,` and `'` in a double-quoted password",
      `HTTP_PROXY="http://u:p,w'd@proxy:3128"`,
      'HTTP_PROXY="http://****@proxy:3128"',
    ],
    [
      "`,` and `'` in a JSON password",
      `  "https-proxy": "http://svc:p,q'r@proxy.test:3128",`,
      '  "https-proxy": "http://****@proxy.test:3128",',
    ],
    [
      'a scheme-less JSON proxy',
      '  "http-proxy": "svc:s3cret@proxy.test:3128",',
      '  "http-proxy": "****@proxy.test:3128",',
    ],
    [
      '@ and / in the password',
      '"https-proxy": "http://svc:p@ss/w0rd@proxy.test:3128"',
      '"https-proxy": "http://****@proxy.test:3128"',
    ],
    [
      'two proxies on one JSON line',
      '{"proxies":{"http-proxy":"http://a:b@h1:1","https-proxy":"http://c:d@h2:2"}}',
      '{"proxies":{"http-proxy":"http://****@h1:1","https-proxy":"http://****@h2:2"}}',
    ],
    [
      "dockerd's --http-proxy= flag",
      `1234 /usr/bin/dockerd --http-proxy=http://u:p,w'd@h:3128 -H fd:// --selinux-enabled`,
      '1234 /usr/bin/dockerd --http-proxy=http://****@h:3128 -H fd:// --selinux-enabled',
    ],
    [
      'a --https-proxy flag with its value apart, no scheme',
      '1234 /usr/bin/dockerd --https-proxy u:sec@h:3128 -H fd://',
      '1234 /usr/bin/dockerd --https-proxy ****@h:3128 -H fd://',
    ],
    [
      'a quoted systemd word, its % pair kept',
      'Environment="HTTPS_PROXY=http://user:p%40ss@proxy.test:3128" "NO_PROXY=localhost"',
      'Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128" "NO_PROXY=localhost"',
    ],
    [
      'a quoted systemd word with a blank, %% kept',
      "Environment='http_proxy=svc:p%%40 s@proxy.test:3128'",
      "Environment='http_proxy=****%%****@proxy.test:3128'",
    ],
    [
      'docker info',
      '  HTTPS Proxy: http://ops:hunter2@10.0.0.5:3128',
      '  HTTPS Proxy: http://****@10.0.0.5:3128',
    ],
    [
      'any URL with a userinfo',
      'fatal: https://tok:x-oauth@github.com/a/b',
      'fatal: https://****@github.com/a/b',
    ],
    [
      'systemctl status: the process tree',
      '             └─1234 /usr/bin/dockerd --http-proxy=http://u:p@h -H fd://',
      '             └─1234 /usr/bin/dockerd --http-proxy=http://****@h -H fd://',
    ],
  ];
  for (const [what, line, filed] of cases) {
    it(`masks ${what}`, () => {
      expect(mask(`${line}\n`)).toBe(`${filed}\n`);
    });
  }

  it("keeps systemd's ignored-specifier line readable as one (its %X pair kept)", () => {
    const line =
      'Dec 03 12:00:00 ip-10-0-1-5 systemd[1]: /etc/systemd/system/docker.service.d/proxy.conf:2: Failed to resolve specifiers, ignoring: https_proxy=http://user:abc%G4g@proxyhost:8080/';
    const filed = mask(`${line}\n`);
    expect(filed).toContain('ignoring: https_proxy=http://****%G****@proxyhost:8080/');
    expect(filed).toMatch(/Failed to resolve specifiers, ignoring: \S*proxy=/);
  });

  it('changes no line without a credential: unit names, digests, mail addresses, flags, daemon.json', () => {
    const text = [
      'Dec 03 12:00:00 host systemd[1]: Started getty@tty1.service and user@1000.service.',
      'pulling image "docker.io/library/nginx@sha256:0123abcd" from https://registry-1.docker.io/v2/',
      'contact ops@example.com about the proxy at http://10.0.0.5:3128',
      'ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --selinux-enabled',
      '{ "insecure-registries": ["reg.local:5000"], "no-proxy": "localhost,.internal" }',
      'NO_PROXY=localhost,127.0.0.1,169.254.169.254',
      '',
    ].join('\n');
    expect(mask(text)).toBe(text);
  });

  it('is idempotent: a masked text masked again is the same', () => {
    const once = mask(cases.map(([, line]) => line).join('\n'));
    expect(mask(once)).toBe(once);
  });

  it('reads a long hostile line in linear time', () => {
    // 2 MiB of proxy assignments, URLs and @ signs on one line.
    const line = 'x_proxy=a@b http://c:d@e "https-proxy":"f@g" '.repeat(48_000);
    const started = performance.now();
    const out = mask(`${line}\n`);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(out).not.toMatch(/a@b|c:d@|"f@/);
  });
});

/** Starts bash under a process name of its own, its command line ending in `args`. */
function fakeDaemon(...args: string[]): string {
  const name = `pm-${randomBytes(5).toString('hex')}`;
  const path = join(scratch, name);
  symlinkSync(findOnPath('bash')!, path);
  // `sleep 120; :` keeps bash itself running (a lone command would be exec'd in its place).
  daemons.push(spawn(path, ['-c', 'sleep 120; :', name, ...args], { stdio: 'ignore' }));
  return name;
}

/**
 * The command line pgrep shows for the process named `name`, once it has started. Waits for the
 * start itself, not a fixed 200 ms: the start took 11-133 ms on a quiet 2-core machine and up to
 * 147 ms with its cores busy, and CI's neighbours are busier still.
 */
async function commandLineOf(name: string): Promise<string> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const raw = spawnSync('pgrep', ['-a', '-x', name], { encoding: 'utf8' }).stdout;
    if (raw || performance.now() > deadline) return raw;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('pm_processes: a daemon command line, masked before it is cut', () => {
  it('masks a --http-proxy password the cut would split', async () => {
    const name = fakeDaemon('--http-proxy=http://user:SuperSecretPassword@proxy.test:3128');
    const raw = await commandLineOf(name);
    // A width that cuts the raw line inside the password, after `Sup`.
    const width = raw.indexOf('SuperSecret') + 3;
    expect(width).toBeGreaterThan(3);
    const out = bash(`pm_processes ${name} ${width}`);
    expect(out).toMatch(/--http-proxy=http:\/\/\*\*\*\*@/);
    expect(out).not.toMatch(/Sup|user:/);
  });

  it('names a daemon that is not running', () => {
    expect(bash('pm_processes pm-absent-daemon 300')).toBe(
      '(no pm-absent-daemon process running)\n',
    );
  });
});

describe('pm_masked: a section filed masked keeps its errors', () => {
  it('masks what the function printed and keeps its exit code and error', () => {
    const out = bash(`pm_init; pm_window '' 15; pm_begin docker
leaky() { printf 'HTTPS_PROXY=u:hunter2@10.0.0.5:3128\\n'; pm_note_error 'no journal'; return 3; }
pm_section s.leaky 'leaky' pm_masked leaky
pm_end 15 ''`);
    const section = parseEvidenceDocument(JSON.parse(out)).bundle.sections['s.leaky']!;
    expect(section.output).toBe('HTTPS_PROXY=****@10.0.0.5:3128');
    expect(section.exitCode).toBe(3);
    expect(section.error).toBe('no journal');
  });
});

describe('the collectors file every free-text section through the masker', () => {
  const read = (f: string) => readFileSync(join(REPO_ROOT, 'runbooks/collectors', f), 'utf8');

  it('logs, systemctl status and daemon config are filed through pm_masked', () => {
    for (const [file, sections] of [
      ['docker-host.sh', ['host.services', 'docker.daemon-config', 'docker.journal']],
      ['eks-node.sh', ['host.services', 'kubelet.journal', 'containerd.journal']],
    ] as const) {
      for (const section of sections) {
        expect(read(file), `${file} ${section}`).toMatch(
          new RegExp(`pm_section ${section.replace('.', '\\.')} (['"]).*?\\1 pm_masked `),
        );
      }
    }
  });

  it('every daemon command line is read through pm_processes, never a bare pgrep -a', () => {
    for (const file of ['docker-host.sh', 'eks-node.sh']) {
      expect(read(file), file).not.toMatch(/pgrep\s+-a/);
    }
    expect(read('docker-host.sh')).toMatch(/pm_processes dockerd /);
    expect(read('eks-node.sh')).toMatch(/pm_processes kubelet /);
  });
});
