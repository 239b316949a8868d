// A container that cannot run its code or is killed: crashloop-missing-dependency,
// container-exec-not-found and oom-killed. Together because each is the process itself failing
// (a module, binary or script it cannot load, or the kernel killing it), not its configuration.
import { describe, expect, it } from 'vitest';
import { top } from './support.js';

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it('a package the runtime cannot find from a path (Bun, Node ESM) is a missing dependency', () => {
    expect(
      top(
        {
          'docker.logs':
            "error: Cannot find package 'left-pad' from '/app/src/index.ts'\n\nBun v1.2.0 (Linux x64)",
        },
        'docker',
      ),
    ).toBe('crashloop-missing-dependency');
    expect(
      top({ 'k8s.pod-logs': 'error: Cannot find module "./routes" from "/srv/app/server.js"' }),
    ).toBe('crashloop-missing-dependency');
    // A test runner resolving relative to a test file is not a container start.
    expect(
      top({ 'docker.logs': "Cannot find module 'fixtures' from 'src/app.test.js'" }, 'docker'),
    ).toBeNull();
  });
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
// Held-out round 121: an app that logs Python's exception text bare.
describe('round 121: a missing driver module logged without its exception class', () => {
  it("an error-level `No module named 'x'` is a missing dependency; a warning that falls back is an optional import", () => {
    expect(
      top({
        'k8s.pod-logs':
          "2026/11/22 23:58:41 ERROR mlflow.cli: Error initializing backend store\n2026/11/22 23:58:41 ERROR mlflow.cli: No module named 'pymysql'",
      }),
    ).toBe('crashloop-missing-dependency');
    expect(
      top({
        'k8s.pod-logs':
          "2026-11-22 23:58:41 WARNING app.json: No module named 'ujson', falling back to json",
      }),
    ).toBeNull();
  });
});

describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it("Java's native library missing from java.library.path is a missing dependency", () => {
    expect(
      top({
        'k8s.pod-logs':
          'Exception in thread "main" java.lang.UnsatisfiedLinkError: no rocksdbjni in java.library.path',
      }),
    ).toBe('crashloop-missing-dependency');
  });

  it('a binary or module built for another libc or runtime is a missing dependency', () => {
    for (const line of [
      "/usr/local/bin/worker: /lib64/libc.so.6: version `GLIBC_2.32' not found (required by /usr/local/bin/worker)",
      'Error relocating /usr/lib/node_modules/bcrypt/lib/binding/bcrypt_lib.node: __strcpy_chk: symbol not found',
      'java.lang.UnsupportedClassVersionError: org/acme/App has been compiled by a more recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime only recognizes class file versions up to 55.0',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-missing-dependency');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("a HEALTHCHECK's shell that cannot find its tool, as docker inspect keeps it", () => {
    expect(
      top(
        {
          'docker.inspect':
            '[{"Start":"2026-11-22T23:58:00Z","ExitCode":127,"Output":"/bin/sh: curl: not found\\n"}]',
        },
        'docker',
      ),
    ).toBe('container-exec-not-found');
  });

  it('a shell that reports its child Killed and lives on reads as the OOM killer; the container killed whole does not', () => {
    for (const line of [
      '/run.sh: line 7:   301 Killed                  node dist/index.js',
      '/usr/local/bin/entrypoint: line 82:    48 Killed                  bundle install',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBe('oom-killed');
    // The word alone, a person's message, a stop (the shell goes with its child), or timeout's
    // deliberate SIGKILL is no such report; nor a pod's log (cgroup v2 kills the whole container).
    expect(
      top(
        {
          'docker.logs': 't.sh: line 1:  8557 Killed                  timeout -s KILL 1 sleep 5',
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top({ 'k8s.pod-logs': '/run.sh: line 7:   301 Killed                  node dist/index.js' }),
    ).toBeNull();
    for (const line of [
      'Killed',
      'worker 3 Killed by supervisor after 30 s timeout',
      'Received SIGTERM, shutting down',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBeNull();
  });

  it("bash running a script names the script: its 'line N: tool: command not found' is a tool missing from the image, also in an exec probe's event", () => {
    for (const line of [
      '/docker-entrypoint.sh: line 12: gosu: command not found',
      'entrypoint: line 3: envsubst: command not found',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBe('container-exec-not-found');
    // The probe failing is the symptom: the probe's own script cannot find its tool.
    expect(
      top({
        'k8s.events':
          'Warning  Unhealthy  3s (x4 over 33s)  kubelet  Liveness probe failed: /opt/scripts/ping-db.sh: line 2: dbcli: command not found',
      }),
    ).toBe('container-exec-not-found');
    // A probe whose script ran and reported the service down is a failing probe.
    expect(
      top({
        'k8s.events':
          'Warning  Unhealthy  3s (x4 over 33s)  kubelet  Liveness probe failed: /opt/scripts/ping-db.sh: line 2: connection refused',
      }),
    ).not.toBe('container-exec-not-found');
  });

  it('a shell that cannot open the script it was told to run is a command missing from the image (dash, busybox, bash)', () => {
    for (const line of [
      '/bin/sh: 0: cannot open ./entrypoint.sh: No such file',
      "/bin/sh: 0: Can't open /docker-entrypoint.sh",
      "sh: can't open '/app/start.sh': No such file or directory",
      '/bin/bash: ./entrypoint.sh: No such file or directory',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBe('container-exec-not-found');
    // dash's and busybox's failed `< file` redirection (a missing secret or config file: line 1 and
    // up, the name unquoted) is no script to run.
    for (const line of [
      'sh: 1: cannot open /run/secrets/db_password: No such file',
      '/bin/sh: 1: cannot open /config/app.env: No such file',
      "sh: can't open /run/secrets/db_password: no such file",
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).not.toBe('container-exec-not-found');
    // bash's redirection into a missing directory reads the same but is no script to run.
    expect(
      top(
        { 'docker.logs': '/bin/bash: /var/log/app/out.log: No such file or directory' },
        'docker',
      ),
    ).toBeNull();
  });

  it("a container's memory cgroup counting OOM kills is the OOM killer inside it, whatever its symptom; a count of zero is not", () => {
    const refused =
      '2026/11/22 23:58:23 Error 111 connecting to localhost:32781. Connection refused.';
    const events = (kills: number) =>
      `low 0\nhigh 0\nmax 43791\noom ${kills + 3}\noom_kill ${kills}\noom_group_kill 0`;
    expect(top({ 'docker.logs': refused, 'container.memory-events': events(8) }, 'docker')).toBe(
      'oom-killed',
    );
    // cgroup v1's memory.oom_control prints the same counter.
    expect(
      top({ 'container.memory': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2' }, 'docker'),
    ).toBe('oom-killed');
    // At its limit (max, oom) but nothing killed: reclaim kept up, no kill.
    expect(
      top({ 'docker.logs': refused, 'container.memory-events': events(0) }, 'docker'),
    ).not.toBe('oom-killed');
    // /proc/vmstat counts the whole host's OOM kills since boot, in the same words.
    expect(
      top(
        {
          'docker.logs': refused,
          'host.vmstat':
            'nr_free_pages 812345\nnr_zone_inactive_anon 20211\npgfault 99812\ncompact_stall 0\noom_kill 3\nnuma_hit 4123',
        },
        'docker',
      ),
    ).not.toBe('oom-killed');
  });

  it("the ECS agent relaying a container's OOM event is the OOM killer; a docker login to ECR's API endpoint is no registry refusing credentials", () => {
    expect(
      top(
        {
          'ecs.agent-log':
            '2026-11-22T23:55:53Z [INFO] DockerGoClient: process within container db09e0887a0d3450ed9025319121451e32e805a15863f965166fd37eebc99486 (name: "ecs-shop-api-60-api-a8b5ae84e8c197b30200") died due to OOM',
        },
        'docker',
      ),
    ).toBe('oom-killed');
    const login = (host: string) =>
      `Error response from daemon: login attempt to https://${host}/v2/ failed with status: 403 Forbidden`;
    expect(
      top(
        {
          'docker.cli': login(
            'vpce-0123456789abcdef0-abcdefgh.api.ecr.eu-west-1.vpce.amazonaws.com',
          ),
        },
        'docker',
      ),
    ).toBeNull();
    expect(top({ 'docker.cli': login('registry.example.invalid') }, 'docker')).toBe(
      'registry-auth-required',
    );
  });

  it('an eviction under node memory pressure is no OOM kill alone (the pod used more than it requested, under no limit)', () => {
    const evicted =
      'Warning  Evicted  pod/egg-1  The node was low on resource: memory. Container egg was using 5053216Ki, which exceeds its request of 0.\nWarning  Evicted  pod/egg-2  The node had condition: [MemoryPressure].';
    expect(top({ 'k8s.events': evicted })).toBeNull();
    expect(
      top({
        'k8s.events': evicted,
        'k8s.pods':
          '    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137',
      }),
    ).toBe('oom-killed');
  });
});
