// The Docker daemon on a host: docker-daemon-down, docker-loopback-exhausted and
// docker-selinux-overlay2. Together because each reads dockerd, docker.socket, systemd or init
// output and decides whether the daemon cannot start (and why) or is running.
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { rulebook, top } from './support.js';

/** dockerd's lines as journalctl prints them. */
const journal = (lines: string[]) =>
  lines.map((l) => `Nov 22 23:58:00 ip-10-0-1-23 dockerd[2211]: ${l}`).join('\n');

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  it("mount's loop setup failure is loop devices exhausted", () => {
    expect(
      top(
        {
          'docker.cli': 'mount: /srv/img: failed to setup loop device for /var/tmp/rootfs.img.',
        },
        'docker',
      ),
    ).toBe('docker-loopback-exhausted');
  });

  it('dockerd warning SELinux is unsupported and then starting is healthy; failing on it is not', () => {
    const warned =
      'time="2026-11-22T23:58:00Z" level=warning msg="SELinux is not supported with the overlay2 graph driver on this kernel"';
    expect(
      top(
        {
          'docker.journal': journal([
            warned,
            'time="2026-11-22T23:58:01Z" level=info msg="API listen on /run/docker.sock"',
          ]),
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top(
        {
          'docker.journal': journal([
            'Error starting daemon: SELinux is not supported with the overlay2 graph driver on this kernel. Either boot into a newer kernel or disable selinux in docker (--selinux-enabled=false)',
          ]),
        },
        'docker',
      ),
    ).toBe('docker-selinux-overlay2');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it('docker.socket refusing to listen for a docker.service that is not loaded (masked) is a daemon that cannot start', () => {
    for (const line of [
      'Nov 22 23:55:35 vm systemd[1]: docker.socket: Socket service docker.service not loaded, refusing.',
      'Failed to start docker.service: Unit docker.service is masked.',
    ])
      expect(top({ 'docker.journal': line }, 'docker'), line).toBe('docker-daemon-down');
    // The daemon started afterwards: it is up.
    expect(
      top(
        {
          'docker.journal':
            'Nov 22 23:55:35 vm systemd[1]: docker.socket: Socket service docker.service not loaded, refusing.\nNov 22 23:57:02 vm systemd[1]: Started Docker Application Container Engine.',
        },
        'docker',
      ),
    ).toBeNull();
  });

  it("devicemapper's no more loopback devices is read where systemctl status cut the line in its middle", () => {
    expect(
      top(
        {
          'host.services':
            'Nov 22 23:55:33 host docker[17652]: time="2026-11-22T23:55:33.404019330Z" level=error msg="There are no more loopback de...lable."\nNov 22 23:55:33 host docker[17652]: time="2026-11-22T23:55:33.404188107Z" level=fatal msg="Error starting daemon: error ...failed"',
        },
        'docker',
      ),
    ).toBe('docker-loopback-exhausted');
    // Wherever the terminal's width cuts it after "loop": between words too.
    for (const cut of ['There are no more loopback devices ava…', 'There are no more loop...'])
      expect(
        top(
          {
            'host.services': `Nov 22 23:55:33 host docker[17652]: time="2026-11-22T23:55:33.404019330Z" level=error msg="${cut}`,
          },
          'docker',
        ),
      ).toBe('docker-loopback-exhausted');
  });

  it("a daemon that does not resolve (docker CLI's `error during connect`) is no registry name failing, and only a candidate for the daemon down", () => {
    const cli = (line: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'docker' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'docker.cli': { output: line } },
      }).matches[0];
    const lookup = cli(
      'error during connect: Post "https://docker:2376/v1.51/images/create?fromImage=docker.io%2Flibrary%2Fnode&tag=18-alpine": dial tcp: lookup docker on 127.0.0.11:53: no such host',
    );
    expect([lookup?.runbookId, lookup!.confidence < 0.8]).toEqual(['docker-daemon-down', true]);
    const refused = cli(
      'error during connect: Post "http://docker:2375/v1.24/auth": dial tcp 172.18.0.3:2375: connect: connection refused',
    );
    expect([refused?.runbookId, refused!.confidence >= 0.9]).toEqual(['docker-daemon-down', true]);
  });

  it("a client pointed at a rootless daemon's socket is only a candidate; the system daemon's socket stays an answer", () => {
    expect(
      top(
        {
          'docker.cli':
            'Cannot connect to the Docker daemon at unix:///run/user/0/docker.sock. Is the docker daemon running?',
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top(
        {
          'docker.cli':
            'error during connect: Get "http://%2Frun%2Fuser%2F1000%2Fdocker.sock/v1.43/info": dial unix /run/user/1000/docker.sock: connect: no such file or directory',
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top(
        {
          'docker.cli':
            'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        },
        'docker',
      ),
    ).toBe('docker-daemon-down');
  });

  it('dockerd dying on its API listeners is the daemon down, and a "Started" systemd printed the same second before the failure does not bring it up', () => {
    expect(
      top(
        {
          'docker.journal':
            'Nov 22 23:58:37 host systemd[1]: Starting Docker Application Container Engine...\nNov 22 23:58:38 host dockerd[19450]: time="2026-11-22T23:58:38.028768000Z" level=info msg="Starting up"\nNov 22 23:58:38 host dockerd[19450]: failed to load listeners: no sockets found via socket activation: make sure the service was started by systemd',
        },
        'docker',
      ),
    ).toBe('docker-daemon-down');
    const sameSecond = (order: string[]) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'docker' },
        collectedAt: '2016-02-02T23:15:00Z',
        sections: { 'docker.journal': { output: order.join('\n') } },
      }).matches[0];
    const started = 'Feb 02 23:12:01 host systemd[1]: Started Docker Application Container Engine.';
    const failed =
      'Feb 02 23:12:01 host systemd[1]: Failed to start Docker Application Container Engine.';
    expect(sameSecond([started, failed])?.runbookId).toBe('docker-daemon-down');
    // Started after the failure, in the same second: the daemon came up.
    expect(sameSecond([failed, started])).toBeUndefined();
  });

  it('where there is no systemd, the init script or the process list saying dockerd is not running is the daemon down; a daemon the collector reached is up', () => {
    for (const status of [
      'systemctl: systemd is not running on this host\n[FAIL] Docker is not running ... failed!',
      'docker is stopped',
      'docker dead but pid file exists',
      ' * status: crashed',
      'Starting docker\nStopped',
      'systemctl: systemd is not running on this host\n# processes\n(no dockerd process running)',
    ])
      expect(top({ 'host.services': status }, 'docker'), status).toBe('docker-daemon-down');
    // The same process list beside the collector's own docker ps answering: up (another PID namespace).
    expect(
      top(
        {
          'host.services': '# processes\n(no dockerd process running)',
          'docker.ps': 'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES',
        },
        'docker',
      ),
    ).toBeNull();
    // A running daemon's status names no stop.
    expect(
      top({ 'host.services': 'Running\n# processes\n811 /usr/bin/dockerd -H fd://' }, 'docker'),
    ).toBeNull();
  });

  it('a docker.socket unit that does not load (a ListenStream systemd cannot parse) leaves the daemon unstartable', () => {
    expect(
      top(
        {
          'host.services':
            'Failed to start docker.socket: Unit is not loaded properly: Invalid argument.\nNov 22 23:55:01 h systemd[1]: [/etc/systemd/system/docker.socket:6] Failed to parse address value, ignoring: tcp://0.0.0.0:2375\nNov 22 23:55:01 h systemd[1]: docker.socket lacks Listen setting. Refusing.',
        },
        'docker',
      ),
    ).toBe('docker-daemon-down');
    // Fixed and started afterwards: up.
    expect(
      top(
        {
          'host.services':
            'Nov 22 23:55:01 h systemd[1]: docker.socket lacks Listen setting. Refusing.\nNov 22 23:56:40 h systemd[1]: Started Docker Application Container Engine.',
        },
        'docker',
      ),
    ).toBeNull();
  });

  it('a client that cannot connect while the init system names the daemon running is no daemon down; one whose init says stopped is', () => {
    const client =
      'Cannot connect to the Docker daemon. Is the docker daemon running on this host?';
    for (const running of [
      'docker start/running, process 28966',
      'Docker is running.',
      'docker (pid  811) is running...',
    ])
      expect(top({ 'docker.cli': client, 'host.services': running }, 'docker'), running).toBeNull();
    expect(top({ 'docker.cli': client, 'host.services': 'docker stop/waiting' }, 'docker')).toBe(
      'docker-daemon-down',
    );
  });

  it('a docker.socket that later systemd refuses (no Listen setting, a bad unit file setting) leaves the daemon unstartable', () => {
    for (const status of [
      'Nov 22 23:55:01 h systemd[1]: docker.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.',
      '     Loaded: bad-setting (Reason: Unit docker.socket has a bad unit file setting.)',
    ])
      expect(top({ 'host.services': status }, 'docker'), status).toBe('docker-daemon-down');
  });

  it("a runtime service systemd keeps restarting (its last ExecStart exited with a failure) is the daemon down on a Docker host, the node's runtime down on an EKS node; a unit that came back is neither", () => {
    // systemd resets a unit's exec status when it starts it again: the failed Process line is the
    // unit's state now, and the "Started" of the journal tail below it is from before that run.
    const status = (unit: string, binary: string, tail = '') => ({
      'host.services': `● ${unit}.service - ${unit === 'docker' ? 'Docker Application Container Engine' : 'containerd container runtime'}
   Active: activating (auto-restart) (Result: exit-code) since Sun 2026-11-22 23:57:38 UTC; 1s ago
  Process: 28622 ExecStart=/usr/bin/${binary} (code=exited, status=1/FAILURE)${tail}`,
    });
    const startedBefore = `\nNov 22 23:57:20 ip-10-0-1-23 systemd[1]: Started Docker Application Container Engine.`;
    expect(top(status('docker', 'dockerd -H fd://', startedBefore), 'docker')).toBe(
      'docker-daemon-down',
    );
    expect(top(status('docker', 'dockerd -H fd://'), 'eks')).toBe('node-not-ready');
    const kubelet = '\n● kubelet.service - Kubernetes Kubelet\n   Active: active (running)';
    expect(top(status('containerd', 'containerd', kubelet), 'eks')).toBe('node-not-ready');
    // A Docker host runs containerd too, and a snapshotter plug-in is no runtime.
    expect(top(status('containerd', 'containerd'), 'docker')).not.toBe('node-not-ready');
    expect(
      top(status('containerd-stargz', 'containerd-stargz-grpc --log-level=debug', kubelet), 'eks'),
    ).toBeNull();
    // The journal's failure, then the unit started again (systemd 250+ names the unit first).
    const recovered = {
      'containerd.journal':
        'Nov 22 23:57:10 ip-10-0-1-23 systemd[1]: containerd.service: Main process exited, code=exited, status=1/FAILURE\nNov 22 23:57:16 ip-10-0-1-23 systemd[1]: Started containerd.service - containerd container runtime.',
      'host.services': '● kubelet.service - Kubernetes Kubelet\n   Active: active (running)',
    };
    expect(top(recovered, 'eks')).toBeNull();
    expect(
      top(
        {
          'host.services':
            '● docker.service - Docker Application Container Engine\n     Active: active (running) since Sun 2026-11-22 23:57:58 UTC; 2min ago\nNov 22 23:57:40 host systemd[1]: docker.service: Main process exited, code=exited, status=1/FAILURE\nNov 22 23:57:58 host systemd[1]: Started docker.service - Docker Application Container Engine.',
        },
        'docker',
      ),
    ).toBeNull();
  });

  it("systemctl status of docker.service inactive or failed is the daemon down; another unit's failure in the same status, or a daemon that answers, is not", () => {
    const status = (
      service: string,
      socket: string,
    ) => `$ systemctl status docker.service docker.socket --no-pager -l -n 20
● docker.service - Docker Application Container Engine
     Loaded: loaded (/usr/lib/systemd/system/docker.service; enabled; preset: disabled)
     Active: ${service}
   Main PID: 28407 (dockerd)
     CGroup: /system.slice/docker.service

● docker.socket - Docker Socket for the API
     Loaded: loaded (/usr/lib/systemd/system/docker.socket; enabled; preset: disabled)
     Active: ${socket}
   Triggers: ● docker.service
     Listen: /run/docker.sock (Stream)`;
    const running = 'active (running) since Tue 2026-12-01 22:14:09 UTC; 3 days ago';
    const failed =
      'failed (Result: service-start-limit-hit) since Tue 2026-12-01 22:09:51 UTC; 3 days ago';
    const dead = 'inactive (dead) since Tue 2026-12-01 22:09:51 UTC; 3 days ago';
    const answers = {
      'docker.ps':
        'CONTAINER ID   IMAGE          COMMAND       CREATED         STATUS        PORTS     NAMES\nc6602fabcb44   pm/busybox:1   "sleep 600"   1 second ago    Up 1 second             pm-idle-3',
    };
    expect(top({ 'host.services': status(running, failed), ...answers }, 'docker')).toBeNull();
    expect(top({ 'host.services': status(running, failed) }, 'docker')).toBeNull();
    expect(top({ 'host.services': status(running, running), ...answers }, 'docker')).toBeNull();
    expect(top({ 'host.services': status(failed, running) }, 'docker')).toBe('docker-daemon-down');
    expect(top({ 'host.services': status(dead, dead) }, 'docker')).toBe('docker-daemon-down');
    // The unit failed, yet the collector's own docker ps reached a daemon (started by hand): up.
    expect(top({ 'host.services': status(dead, dead), ...answers }, 'docker')).toBeNull();
  });

  it("crictl dialling dockershim's socket (its deprecated first default endpoint) is no Docker daemon down; docker's own socket refused is", () => {
    const crictl =
      'FATA[0000] listing containers: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix /var/run/dockershim.sock: connect: no such file or directory"';
    expect(top({ 'crictl.ps': crictl }, 'eks')).toBeNull();
    expect(
      top(
        {
          'docker.cli':
            'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nerror during connect: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.45/containers/json": dial unix /var/run/docker.sock: connect: no such file or directory',
        },
        'docker',
      ),
    ).toBe('docker-daemon-down');
  });
});
