import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';

const scratch = mkdtempSync(join(tmpdir(), 'pm-docker-masking-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// One secret per place a proxy password reaches the Docker-host collector's free-text sections.
const SECRETS = {
  unitSchemeless: 'unitpw1',
  statusFlag: 'statuspw2',
  jsonComma: "json,pw'3",
  jsonSchemeless: 'jsonpw4',
  journal: 'abc%G4g',
};
const DROP_IN = '/etc/systemd/system/docker.service.d/http-proxy.conf';

/**
 * The Docker-host document as SSM would run it, on this machine, with a fake host first on PATH:
 * a `systemctl` printing docker.service (a drop-in with a scheme-less proxy, dockerd's flags) and
 * a status whose process tree shows dockerd's `--http-proxy`, PM_SYSTEMD_RUN_DIR saying systemd
 * runs, a daemon.json with proxies, a daemon log where systemd ignored a proxy assignment, and
 * no Docker daemon.
 */
async function collect() {
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  mkdirSync(join(scratch, 'run-systemd-system'));
  writeFileSync(
    join(bin, 'docker.service'),
    [
      '# /usr/lib/systemd/system/docker.service',
      '[Service]',
      'Environment=DOCKER_SELINUX=--selinux-enabled=true',
      'ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_SELINUX',
      '',
      `# ${DROP_IN}`,
      '[Service]',
      `Environment=HTTP_PROXY=svc:${SECRETS.unitSchemeless}@proxy.test:3128 NO_PROXY=localhost`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(bin, 'status'),
    [
      '● docker.service - Docker Application Container Engine',
      '     Loaded: loaded (/usr/lib/systemd/system/docker.service; enabled)',
      '     CGroup: /system.slice/docker.service',
      `             └─1234 /usr/bin/dockerd -H fd:// --http-proxy=http://svc:${SECRETS.statusFlag}@proxy.test:3128 --selinux-enabled`,
      '',
    ].join('\n'),
  );
  // `systemctl cat UNIT… --no-pager`, `systemctl cat --no-pager -- UNIT`, `systemctl status …`.
  writeFileSync(
    join(bin, 'systemctl'),
    `#!/bin/sh\nd=$(dirname "$0")\ncase "$1" in\n  cat) shift; found=0; for u in "$@"; do if [ -f "$d/$u" ]; then cat "$d/$u"; found=1; fi; done; [ "$found" = 1 ] || { echo "No files found for $*." >&2; exit 1; } ;;\n  status) cat "$d/status" ;;\nesac\n`,
  );
  writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\nexit 0\n');
  for (const f of ['systemctl', 'dmesg']) chmodSync(join(bin, f), 0o755);
  const daemonJson = join(scratch, 'daemon.json');
  writeFileSync(
    daemonJson,
    `{\n  "selinux-enabled": true,\n  "insecure-registries": ["reg.local:5000"],\n  "proxies": {\n    "https-proxy": "http://svc:${SECRETS.jsonComma}@proxy.test:3128",\n    "http-proxy": "svc:${SECRETS.jsonSchemeless}@proxy.test:3128",\n    "no-proxy": "localhost"\n  }\n}\n`,
  );
  const log = join(scratch, 'docker.log');
  writeFileSync(
    log,
    `${new Date().toISOString()} ip-10-0-1-5 systemd[1]: ${DROP_IN}:3: Failed to resolve specifiers, ignoring: https_proxy=http://user:${SECRETS.journal}@proxyhost:8080/\n`,
  );
  const runner = new LocalCommandRunner({
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      PM_SYSTEMD_RUN_DIR: join(scratch, 'run-systemd-system'),
      PARAMEDIC_DOCKER_CONFIG_FILE: daemonJson,
      // The scratch folder stands for /var/log: the collector reads only log files under it.
      PM_VAR_LOG_DIR: scratch,
      PARAMEDIC_DOCKER_LOG_FILE: '/var/log/docker.log',
      DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
      PARAMEDIC_IO_SAMPLE_SECONDS: '1',
    },
  });
  return (await collectEvidence({ platform: 'docker', runner, parameters: { sinceMinutes: '5' } }))
    .bundle;
}

describe('Docker-host collector: no proxy password in its free-text sections, end to end', () => {
  it('masks unit files, daemon.json, systemctl status and the daemon log, and keeps what other runbooks read', async () => {
    const bundle = await collect();
    const filed = JSON.stringify(bundle);
    for (const [where, secret] of Object.entries(SECRETS)) {
      expect(filed, where).not.toContain(JSON.stringify(secret).slice(1, -1));
    }

    const config = bundle.sections['docker.daemon-config']!.output;
    expect(config).toContain('Environment=HTTP_PROXY=****@proxy.test:3128 NO_PROXY=localhost');
    expect(config).toContain('"https-proxy": "http://****@proxy.test:3128"');
    expect(config).toContain('"http-proxy": "****@proxy.test:3128"');
    // Nothing but credentials goes: docker-selinux-overlay2 and registry-insecure-http read these.
    expect(config).toContain('"selinux-enabled": true');
    expect(config).toContain('"insecure-registries": ["reg.local:5000"]');
    expect(config).toContain('Environment=DOCKER_SELINUX=--selinux-enabled=true');

    expect(bundle.sections['host.services']!.output).toContain(
      '└─1234 /usr/bin/dockerd -H fd:// --http-proxy=http://****@proxy.test:3128 --selinux-enabled',
    );
    expect(bundle.sections['docker.journal']!.output).toContain(
      'Failed to resolve specifiers, ignoring: https_proxy=http://****%G****@proxyhost:8080/',
    );
    // The masked journal line still reads as systemd ignoring a proxy assignment.
    const egress = classifyEvidence(loadRulebook(), bundle).explanations.find(
      (e) => e.runbookId === 'egress-proxy-misconfigured',
    );
    expect(egress?.signals.map((s) => s.id)).toContain('daemon-proxy-assignment-ignored');
  }, 60_000);
});
