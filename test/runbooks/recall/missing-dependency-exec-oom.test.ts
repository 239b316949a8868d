// A container that cannot run its code or is killed: crashloop-missing-dependency,
// container-exec-not-found and oom-killed. Together because each is the process itself failing
// (a module, binary or script it cannot load, or the kernel killing it), not its configuration.
import { describe, expect, it } from 'vitest';
import { top, topAt } from './support.js';

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

// kubectl describe keeps a container's last termination until it next terminates, and docker
// inspect an exited container's State until it is removed: days later, beside today's failure.
describe('a container state that ended before the incident is not its evidence', () => {
  const alarmed = { collectedAt: '2026-11-23T09:00:00Z', incident: { at: '2026-11-23T08:58:00Z' } };
  const describePod = (
    reason: string,
    exitCode: number,
  ) => `Name:             catalog-8b7a6c5d4-f3g4h
Containers:
  catalog:
    State:          Running
      Started:      Fri, 20 Nov 2026 03:12:40 +0000
    Last State:     Terminated
      Reason:       ${reason}
      Exit Code:    ${exitCode}
      Started:      Tue, 17 Nov 2026 03:01:10 +0000
      Finished:     Fri, 20 Nov 2026 03:12:39 +0000
    Ready:          False
    Restart Count:  1
    Limits:
      memory:  256Mi
Events:
  Type     Reason     Age                 From     Message
  ----     ------     ----                ----     -------
  Warning  Unhealthy  20s (x40 over 12m)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503`;

  it("a pod's readiness probe failing now is the probe, not the OOM kill its Last State shows from three days ago", () => {
    expect(topAt({ 'k8s.pods': describePod('OOMKilled', 137) }, 'eks', alarmed)).toBe(
      'probe-failure',
    );
    expect(topAt({ 'k8s.pods': describePod('Completed', 0) }, 'eks', alarmed)).toBe(
      'probe-failure',
    );
    // The same kill inside the window is the diagnosis.
    const fresh = describePod('OOMKilled', 137).replace(
      'Fri, 20 Nov 2026 03:12:39 +0000',
      'Mon, 23 Nov 2026 08:55:02 +0000',
    );
    expect(topAt({ 'k8s.pods': fresh }, 'eks', alarmed)).toBe('oom-killed');
  });

  const inspect = (state: string) => `[
    {
        "Id": "c41e8d2b9a70f3a1e5b7c9d2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e7f9a2",
        "State": {
${state}
        },
        "Name": "/report-nightly",
        "RestartCount": 0
    }
]`;
  const oomKilledAt = (finishedAt: string) =>
    inspect(`            "Status": "exited",
            "Running": false,
            "OOMKilled": true,
            "ExitCode": 137,
            "Error": "",
            "StartedAt": "2026-11-20T01:00:00.901Z",
            "FinishedAt": "${finishedAt}"`);
  const diskFull = {
    'docker.cli':
      'failed to register layer: write /var/lib/docker/overlay2/8d2c71e0f5b4/diff/usr/lib/jvm/java-21-amazon-corretto/lib/modules: no space left on device',
    'disk.df':
      'Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   30G   30G   20K 100% /',
  };

  it("a disk-full host is disk-full, not the OOM kill of a nightly job's container that exited three days ago", () => {
    expect(
      topAt(
        { ...diskFull, 'docker.inspect': oomKilledAt('2026-11-20T01:41:17.233Z') },
        'docker',
        alarmed,
      ),
    ).toBe('disk-full');
    // Killed inside the window, it is the OOM kill (the stronger evidence).
    expect(
      topAt(
        { ...diskFull, 'docker.inspect': oomKilledAt('2026-11-23T08:59:01.5Z') },
        'docker',
        alarmed,
      ),
    ).toBe('oom-killed');
  });

  it("a neighbour that failed to start five days ago is no command missing from today's image; one that failed now is", () => {
    const failedStart = (finishedAt: string) =>
      inspect(`            "Status": "created",
            "Running": false,
            "OOMKilled": false,
            "ExitCode": 127,
            "Error": "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \\"/usr/local/bin/backup.sh\\": stat /usr/local/bin/backup.sh: no such file or directory: unknown",
            "StartedAt": "0001-01-01T00:00:00Z",
            "FinishedAt": "${finishedAt}"`);
    expect(
      topAt({ 'docker.inspect': failedStart('2026-11-18T02:00:00.498Z') }, 'docker', alarmed),
    ).toBeNull();
    expect(
      topAt({ 'docker.inspect': failedStart('2026-11-23T08:59:30Z') }, 'docker', alarmed),
    ).toBe('container-exec-not-found');
    // Never finished (Go's zero time): the state is the container now.
    expect(
      topAt({ 'docker.inspect': failedStart('0001-01-01T00:00:00Z') }, 'docker', alarmed),
    ).toBe('container-exec-not-found');
  });
});
