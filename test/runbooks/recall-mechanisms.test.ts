import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRulebook } from '../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA, type Platform } from '../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';

let rulebook: CompiledRulebook;
beforeAll(() => {
  rulebook = loadRulebook();
});
const top = (sections: Record<string, string>, platform: Platform = 'eks') =>
  classifyEvidence(rulebook, {
    schema: EVIDENCE_SCHEMA,
    target: { platform },
    collectedAt: '2026-11-23T00:00:00Z',
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  }).matches[0]?.runbookId ?? null;

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
  it('a daemon registry request that timed out (context deadline, legacy "Network timed out") is egress; a lookup in it is not', () => {
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": context deadline exceeded',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Pulling repository docker.io/acme/api\nNetwork timed out while trying to connect to https://index.docker.io/v1/repositories/acme/api/images. You may want to check your internet connection or if you are behind a proxy.',
        },
        'docker',
      ),
    ).toBe('egress-proxy-misconfigured');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 127.0.0.53:53: read udp 127.0.0.1:4242->127.0.0.53:53: i/o timeout',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
    // The API server's endpoint timing out is the control plane's business, not egress.
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://10.100.0.1:443/api/v1/namespaces/kube-system/configmaps/x": context deadline exceeded',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

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

  it('a Go dial that timed out with no address (the lookup timed out) is cluster DNS; one with an address is not', () => {
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="RequestError: send request failed caused by: Get https://api.example.invalid/v1/items: dial tcp: i/o timeout"',
      }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs':
          'level=error msg="Get https://api.example.invalid/v1/items: dial tcp 10.20.30.40:8443: i/o timeout"',
      }),
    ).not.toBe('dns-resolution-failure');
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: Get https://registry.example.invalid/v2/: dial tcp: i/o timeout',
        },
        'docker',
      ),
    ).not.toBe('dns-resolution-failure');
  });

  it('CoreDNS not ready for as many probes as the kubelet needs is cluster DNS down; a slow start is not', () => {
    const waiting = '[INFO] plugin/ready: Still waiting on: "kubernetes"';
    expect(
      top({ 'k8s.pod-logs': `.:53\nCoreDNS-1.11.1\n${waiting}\n${waiting}\n${waiting}` }),
    ).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs': `[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server\n${waiting}\n.:53\nCoreDNS-1.11.1\n[INFO] plugin/reload: Running configuration SHA512 = 0123`,
      }),
    ).toBeNull();
  });

  it('pods standing Evicted are disk pressure unless memory or PID pressure is named', () => {
    const evicted =
      'NAME                   READY   STATUS    RESTARTS   AGE\nweb-7c9f8d-2kq4x       0/1     Evicted   0          3h\nweb-7c9f8d-8hz1m       0/1     Evicted   0          2h\nweb-7c9f8d-x7p2c       1/1     Running   0          1h';
    expect(top({ 'k8s.pods': evicted })).toBe('node-disk-pressure');
    // Evicted pods left over from an old incident (every one days old) prove nothing about now.
    expect(top({ 'k8s.pods': evicted.replace(' 3h', '38d').replace(' 2h', '5d7h') })).toBeNull();
    expect(
      top({
        'k8s.pods': evicted,
        'k8s.events':
          'Warning  Evicted  pod/web-7c9f8d-2kq4x  The node was low on resource: memory. Container web was using 900Mi, which exceeds its request of 256Mi.',
      }),
    ).not.toBe('node-disk-pressure');
    expect(
      top({
        'k8s.pods':
          'NAME                   READY   STATUS    RESTARTS   AGE\nweb-7c9f8d-2kq4x       0/1     Evicted   0          3h\nweb-7c9f8d-x7p2c       1/1     Running   0          1h',
      }),
    ).toBeNull();
  });
  it("a workload's probe of :6443 is the workload's (aggregated API servers serve there); the API server's own probe names it", () => {
    const matched = (pod: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: {
          'k8s.events': {
            output: `LAST SEEN   TYPE      REASON      OBJECT     MESSAGE\n2m   Warning   Unhealthy   pod/${pod}   Liveness probe failed: Get "https://10.0.3.7:6443/healthz": dial tcp 10.0.3.7:6443: connect: connection refused`,
          },
        },
      }).matches.map((m) => m.runbookId);
    expect(matched('prometheus-adapter-7d9f8-x2x4q')).not.toContain('control-plane-unavailable');
    expect(matched('prometheus-adapter-7d9f8-x2x4q')[0]).toBe('probe-failure');
    expect(matched('kube-apiserver-cp-1')).toContain('control-plane-unavailable');
  });
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
  const crashing =
    '    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1';
  const matchedIds = (sections: Record<string, string>) =>
    classifyEvidence(rulebook, {
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'eks' },
      collectedAt: '2026-11-23T00:00:00Z',
      sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
    }).matches.map((m) => m.runbookId);
  const journal = (lines: string[]) =>
    lines.map((l) => `Nov 22 23:58:00 ip-10-0-1-23 dockerd[2211]: ${l}`).join('\n');

  it('a required setting by its library wording (envconfig, Spring placeholder) is a config error', () => {
    expect(top({ 'k8s.pod-logs': '2026/11/22 23:58:02 required key DB_DSN missing value' })).toBe(
      'crashloop-config-error',
    );
    expect(
      top({
        'k8s.pod-logs':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Spring placeholder, quoted from the log
          'Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder \'queue.url\' in value "${queue.url}"',
      }),
    ).toBe('crashloop-config-error');
    // A program that keeps its previous or in-cluster configuration is running, not crashing.
    for (const line of [
      'WARN kubeconfig is invalid, falling back to in-cluster config',
      'level=warn msg="reloaded config is invalid, keeping previous configuration"',
      'envoy config is invalid: rejected update, keeping previous config version 42',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBeNull();
  });

  it('a required setting by its library wording (Starlette, decouple, environs, node-config, dotenv-safe, envalid, SmallRye) is a config error', () => {
    for (const line of [
      // starlette/config.py Config.get
      'KeyError: "Config \'JW_DEBUG\' is missing, and has no default."',
      // python-decouple (since 2017, and the wording before it)
      'decouple.UndefinedValueError: SECRET_KEY not found. Declare it as envvar or define a default value.',
      'decouple.UndefinedValueError: SECRET_KEY option not found and default value was not defined.',
      // environs (eager Env)
      'environs.EnvError: Environment variable "DATABASE_URL" not set',
      // node-config's get()
      'Error: Configuration property "db.host" is not defined',
      // dotenv-safe's MissingEnvVarsError
      'MissingEnvVarsError: The following variables were defined in .env.example but are not present in the environment:',
      // envalid's reporter heading, as written (coloured) and as a log shipper strips it
      ' \x1b[33mMissing\x1b[0m environment variables:',
      ' Missing environment variables:',
      // SmallRye Config (Quarkus), SRCFG00014
      'java.util.NoSuchElementException: SRCFG00014: The config property quarkus.datasource.jdbc.url is required but it could not be found in any config source',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
    // On a Docker host, printed by `docker run`: the eks runbook keeps 0.9 of its confidence and still decides.
    expect(
      top(
        {
          'docker.cli':
            'Traceback (most recent call last):\n  File "/usr/local/lib/python3.6/site-packages/starlette/config.py", line 72, in get\n    raise KeyError(f"Config \'{key}\' is missing, and has no default.")\nKeyError: "Config \'APP_SECRET\' is missing, and has no default."',
        },
        'docker',
      ),
    ).toBe('crashloop-config-error');
  });

  it('the same words without the exception (a help text, a KeyError of app data) are not a missing setting', () => {
    expect(
      top(
        {
          'docker.logs':
            'INFO:     Started server process [1]\nDEBUG:    settings: a key with no value raises KeyError ("Config \'<key>\' is missing, and has no default.")\nINFO:     Application startup complete.',
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top(
        {
          'docker.logs':
            'Traceback (most recent call last):\n  File "/app/views.py", line 31, in render\n    theme = THEMES["DARK_MODE"]\nKeyError: \'DARK_MODE\'',
        },
        'docker',
      ),
    ).toBeNull();
  });

  it('an entrypoint stopped on an unset UPPER_CASE variable (bash, dash, busybox) is a config error; its own variables are not', () => {
    for (const line of [
      // bash, set -u
      '/opt/app/docker-entrypoint.sh: line 156: DB_ADDR: unbound variable',
      // bash ${X:?}
      '/run.sh: line 3: S3_BUCKET: parameter null or not set',
      // dash and busybox ash: set -u, ${X?} and ${X:?}
      '/entrypoint.sh: 7: REDIS_HOST: parameter not set',
      '/docker-entrypoint.sh: line 4: API_KEY: parameter not set or null',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBe('crashloop-config-error');
    expect(top({ 'k8s.pod-logs': '/entrypoint.sh: 7: REDIS_HOST: parameter not set' })).toBe(
      'crashloop-config-error',
    );
    for (const line of [
      // A lower-case name is the script's own variable: a bug in the script, not configuration.
      '/docker-entrypoint.sh: line 40: tmpdir: unbound variable',
      // A positional parameter is how the script was called.
      '/docker-entrypoint.sh: line 9: $1: unbound variable',
      '/entrypoint.sh: 9: 1: parameter not set',
      // The shell's own variable: a script that sourced an interactive profile under set -u.
      '/etc/bash.bashrc: line 7: PS1: unbound variable',
    ])
      expect(top({ 'docker.logs': line }, 'docker'), line).toBeNull();
    // A setting whose name starts like one of the shell's own is still a setting.
    expect(
      top({ 'docker.logs': '/entrypoint.sh: line 5: HISTORY_DB_URL: unbound variable' }, 'docker'),
    ).toBe('crashloop-config-error');
    // A CI job's build script is not a workload starting.
    expect(
      top({ 'ci.job-log': '$ ./build.sh\n./build.sh: line 3: RELEASE_TAG: unbound variable' }),
    ).toBeNull();
  });

  it('a pull whose registry lookup failed with musl\'s "Try again" is registry DNS, also wrapped over two lines; an app\'s lookup is pod DNS', () => {
    expect(
      top({
        'k8s.events':
          'Failed to pull image "registry.example.test/team/api:1.4": failed to resolve reference "registry.example.test/team/api:1.4": failed to do request: Head "https://registry.example.test/v2/team/api/manifests/1.4": dial tcp: lookup registry.example.test: Try again',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top({
        'k8s.events':
          'Failed to resolve reference "registry.example.test/team/api:1.4":\ndial tcp: lookup registry.example.test: Try again',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top({
        'k8s.pod-logs':
          'Error: Get "https://billing.example.test/health": dial tcp: lookup billing.example.test: Try again',
      }),
    ).toBe('dns-resolution-failure');
  });

  it('a program that exits asking for a flag (discovery failed, or the flag is required) is a config error; advice in a warning is not', () => {
    for (const line of [
      '{"level":"error","logger":"setup","msg":"unable to discover the cluster name from instance tags, specify --cluster-name instead"}',
      'F1122 23:55:49.758325       1 main.go:52] --cloud-config is required',
      'Error: please specify --region; instance metadata is not reachable',
      'time="2026-11-22T23:55:49Z" level=fatal msg="you must specify the --namespace flag"',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
    expect(
      top({ 'docker.logs': 'fatal: --listen-address must be set (no default)' }, 'docker'),
    ).toBe('crashloop-config-error');
    for (const line of [
      // Advice in a running program's warning or info line is not why it exited.
      'W1122 23:55:49.758325       1 client_config.go:618] --kubeconfig must be specified for out-of-cluster use; falling back to in-cluster config',
      'time="2026-11-22T23:55:49Z" level=warn msg="metadata unavailable, please specify --region to silence this warning"',
      '{"level":"info","msg":"no region in metadata, specify --region instead to pin it"}',
      // zap's console encoder, a bracketed level, Python's logging, Spring Boot.
      '2026-11-22T23:55:49.000Z\tWARN\tsetup/region.go:42\tno region from IMDS, please specify --region',
      '2026-11-22 23:55:49 [WARN] no region from IMDS, please specify --region',
      'WARNING:root:no region from IMDS, please specify --region',
      '2026-11-22 23:55:49.123  WARN 1 --- [main] c.e.Setup : no region from IMDS, please specify --region',
      // A flag that is merely mentioned.
      'use --force to overwrite the existing lock file',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBeNull();
    // An operator's own command asking for a flag is not a workload starting.
    expect(top({ 'docker.cli': 'Error: must specify --name' }, 'docker')).toBeNull();
  });

  it("Python's os.environ frame is a missing variable; a KeyError from a dict is not", () => {
    expect(
      top({
        'k8s.pod-logs':
          'Traceback (most recent call last):\n  File "/srv/run.py", line 2, in <module>\n    key = os.environ["API_TOKEN"]\n  File "/usr/local/lib/python3.9/os.py", line 679, in __getitem__\n    raise KeyError(key) from None\nKeyError: \'API_TOKEN\'',
      }),
    ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          'Traceback (most recent call last):\n  File "/srv/handlers.py", line 40, in handle\n    user = cache["u-17"]\nKeyError: \'u-17\'',
      }),
    ).toBeNull();
  });

  it("pydantic's missing field is a rejected setting only when the container exits on it", () => {
    const logs =
      'pydantic_core._pydantic_core.ValidationError: 1 validation error for AppConfig\nredis_url\n  Field required [type=missing, input_value={}, input_type=dict]';
    expect(top({ 'k8s.pod-logs': logs, 'k8s.pods': crashing })).toBe('crashloop-config-error');
    // A running API validating a request body logs the same words.
    expect(top({ 'k8s.pod-logs': logs })).toBeNull();
  });

  it('nginx rejecting its config file (a file position) is a config error; a runtime [emerg] is not', () => {
    expect(
      top({
        'k8s.pod-logs':
          'nginx: [emerg] "location" directive is not allowed here in /etc/nginx/nginx.conf:31',
      }),
    ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] still could not bind()',
      }),
    ).not.toBe('crashloop-config-error');
  });

  it('a database name the server does not know (PostgreSQL, MySQL) is a config error', () => {
    expect(top({ 'k8s.pod-logs': 'FATAL:  database "orders_prod" does not exist' })).toBe(
      'crashloop-config-error',
    );
    expect(top({ 'k8s.pod-logs': "ERROR 1049 (42000): Unknown database 'orders_prod'" })).toBe(
      'crashloop-config-error',
    );
  });

  it('a fatal "failed to parse" of what a peer answered is not a setting; of a setting it is', () => {
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:02Z" level=fatal msg="failed to parse response from host 10.0.4.2: unexpected EOF"',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:02Z" level=fatal msg="failed to parse listen address: missing port in address"',
      }),
    ).toBe('crashloop-config-error');
  });

  it("busybox's bad address is a failed lookup", () => {
    expect(top({ 'k8s.pod-logs': "nc: bad address 'cache.shop.svc.cluster.local'" })).toBe(
      'dns-resolution-failure',
    );
  });

  it("a proxy's 407 in Java's tunnel wording is the proxy's, not a registry's credentials", () => {
    const matched = matchedIds({
      'k8s.pod-logs':
        'Caused by: java.io.IOException: Unable to tunnel through proxy. Proxy returns "HTTP/1.1 407 Proxy Authentication Required"',
    });
    expect(matched[0]).toBe('egress-proxy-misconfigured');
    expect(matched).not.toContain('registry-auth-required');
    // The same tunnel refused for another reason is still the proxy.
    expect(
      top({
        'k8s.pod-logs':
          'java.io.IOException: Unable to tunnel through proxy. Proxy returns "HTTP/1.1 503 Service Unavailable"',
      }),
    ).toBe('egress-proxy-misconfigured');
  });

  it('a refused request to a Kubernetes API group path is the control plane, a registry path is egress', () => {
    const apiGroupRefused = {
      'kubelet.journal':
        'E1122 23:58:02.123456 3021 reflector.go:147] Failed to watch *v1.CSIDriver: Get "https://10.100.0.1:443/apis/storage.k8s.io/v1/csidrivers?limit=500": dial tcp 10.100.0.1:443: connect: connection refused',
    };
    const matched = matchedIds(apiGroupRefused);
    expect(matched).not.toContain('egress-proxy-misconfigured');
    expect(top(apiGroupRefused)).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.events':
          'Failed to pull image "quay.io/acme/api:1": failed to do request: Head "https://quay.io/v2/acme/api/manifests/1": dial tcp 44.1.2.3:443: connect: connection refused',
      }),
    ).toBe('egress-proxy-misconfigured');
  });

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

  it("kubelet's image GC over its high threshold is node disk pressure", () => {
    expect(
      top({
        'kubelet.journal':
          'I1122 23:58:02.123456 3021 image_gc_manager.go:310] "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold" usage=93 highThreshold=85 amountToFree=912345678 lowThreshold=80',
      }),
    ).toBe('node-disk-pressure');
  });

  it('ENOSPC in a shared memory segment (/dev/shm) is not the disk', () => {
    expect(
      top(
        {
          'docker.logs':
            'ERROR:  could not resize shared memory segment "/PostgreSQL.77" to 8388608 bytes: No space left on device',
        },
        'docker',
      ),
    ).toBeNull();
    expect(
      top(
        {
          'docker.logs': 'ERROR:  could not extend file "base/16384/2619": No space left on device',
        },
        'docker',
      ),
    ).toBe('disk-full');
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

  it("frameworks' own settings failures (Django, Rails, Spring Boot) are config errors", () => {
    for (const line of [
      'django.core.exceptions.ImproperlyConfigured: Set the DATABASE_URL environment variable',
      "Missing `secret_key_base` for 'staging' environment, set this string with `bin/rails credentials:edit` (ArgumentError)",
      "Failed to configure a DataSource: 'url' attribute is not specified and no embedded datasource could be configured.",
      "Failed to bind properties under 'server.port' to java.lang.Integer:",
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
  });

  it('a database role the server does not know is a config error', () => {
    expect(top({ 'k8s.pod-logs': 'FATAL:  role "reporting" does not exist' })).toBe(
      'crashloop-config-error',
    );
  });

  it("Java's native library missing from java.library.path is a missing dependency", () => {
    expect(
      top({
        'k8s.pod-logs':
          'Exception in thread "main" java.lang.UnsatisfiedLinkError: no rocksdbjni in java.library.path',
      }),
    ).toBe('crashloop-missing-dependency');
  });

  it('an API server that cannot answer in the time allotted is the control plane', () => {
    expect(
      top({
        'k8s.cluster':
          'Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request (get deployments.apps)',
      }),
    ).toBe('control-plane-unavailable');
  });

  it('musl\'s "Try again" and glibc\'s EAI_NODATA are failed lookups; a generic try-again is not', () => {
    expect(top({ 'k8s.pod-logs': 'socket.gaierror: [Errno -3] Try again' })).toBe(
      'dns-resolution-failure',
    );
    expect(top({ 'k8s.pod-logs': 'java.net.UnknownHostException: cache: Try again' })).toBe(
      'dns-resolution-failure',
    );
    expect(
      top({ 'k8s.pod-logs': 'socket.gaierror: [Errno -5] No address associated with hostname' }),
    ).toBe('dns-resolution-failure');
    expect(
      top({ 'k8s.pod-logs': 'write /data/out: resource temporarily unavailable: try again later' }),
    ).toBeNull();
  });

  it('etcd out of space (its NOSPACE alarm) is the control plane', () => {
    expect(
      top({ 'k8s.cluster': 'Error from server: etcdserver: mvcc: database space exceeded' }),
    ).toBe('control-plane-unavailable');
  });

  it("Envoy's delayed connect error 111 is nothing listening on the upstream port", () => {
    expect(
      top(
        {
          'docker.logs':
            'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
  });

  it('a volume mounted onto a path of the other type is a config error; a missing source is not this rule', () => {
    expect(
      top({
        'k8s.events':
          'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/var/lib/kubelet/pods/ab12/volume-subpaths/settings/web/1" to rootfs at "/srv/settings.ini": mount src=/var/lib/kubelet/pods/ab12/volume-subpaths/settings/web/1, dst=/srv/settings.ini, flags=MS_BIND|MS_REC: not a directory: unknown',
      }),
    ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.events':
          'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/data/missing" to rootfs at "/data": stat /data/missing: no such file or directory: unknown',
      }),
    ).not.toBe('crashloop-config-error');
  });

  it('a binary or module built for another libc or runtime is a missing dependency', () => {
    for (const line of [
      "/usr/local/bin/worker: /lib64/libc.so.6: version `GLIBC_2.32' not found (required by /usr/local/bin/worker)",
      'Error relocating /usr/lib/node_modules/bcrypt/lib/binding/bcrypt_lib.node: __strcpy_chk: symbol not found',
      'java.lang.UnsupportedClassVersionError: org/acme/App has been compiled by a more recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime only recognizes class file versions up to 55.0',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-missing-dependency');
  });

  it("Elasticsearch's flood stage is a full disk; its high watermark is only a warning", () => {
    expect(
      top({
        'k8s.pod-logs':
          'flood stage disk watermark [95%] exceeded on [data-2][/usr/share/elasticsearch/data] free: 800mb[2.9%], all indices on this node will be marked read-only',
      }),
    ).toBe('disk-full');
    expect(
      top({
        'k8s.pod-logs':
          'high disk watermark [90%] exceeded on [data-2][/usr/share/elasticsearch/data] free: 2.5gb[9.1%], shards will be relocated away from this node',
      }),
    ).toBeNull();
  });

  it(".NET's EAI_AGAIN (SocketException 11) is a failed lookup", () => {
    expect(
      top({
        'k8s.pod-logs':
          'System.Net.Http.HttpRequestException: Resource temporarily unavailable (billing:8080)\n ---> System.Net.Sockets.SocketException (11): Resource temporarily unavailable',
      }),
    ).toBe('dns-resolution-failure');
  });

  it("a program's own config file missing (Go, Python, Java) is a config error; a missing data file is not", () => {
    for (const line of [
      'panic: open /srv/conf/app.toml: no such file or directory',
      "FileNotFoundError: [Errno 2] No such file or directory: '/run/secrets/db.env'",
      'java.io.FileNotFoundException: /opt/app/conf/app.yml (No such file or directory)',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          "FileNotFoundError: [Errno 2] No such file or directory: '/data/exports/2026-11-20.csv'",
      }),
    ).toBeNull();
  });

  it("ingress-nginx's balancer with no live upstream is the ingress backend; plain nginx's is not", () => {
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:02 [error] 40#40: *88 no live upstreams while connecting to upstream, client: 10.0.9.1, server: app.example.test, request: "GET /api HTTP/1.1", upstream: "http://upstream_balancer/api", host: "app.example.test"',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:02 [error] 40#40: *88 no live upstreams while connecting to upstream, client: 10.0.9.1, server: app.example.test, request: "GET /api HTTP/1.1", upstream: "http://app_servers/api", host: "app.example.test"',
      }),
    ).not.toBe('ingress-backend-misconfigured');
  });
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
  it("kubectl's lookup of the API endpoint answered NXDOMAIN: no API server was reached, no pod resolved anything", () => {
    expect(
      top({
        'k8s.cluster':
          'Unable to connect to the server: dial tcp: lookup api.stage.example.test on 127.0.0.53:53: no such host',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.12.34:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
  });

  it("kingpin's flag errors (unknown, repeated, required) are a rejected invocation", () => {
    for (const line of [
      `time="2026-11-22T23:58:00Z" level=fatal msg="flag parsing error: flag 'source' cannot be repeated"`,
      `time="2026-11-22T23:58:00Z" level=fatal msg="flag parsing error: unknown long flag '--txt-prefx'"`,
      "exporter: error: required flag '--config.file' not provided, try --help",
      // kingpin/v2 (Prometheus, kopia) quotes each missing flag; gopkg.in/alecthomas/kingpin.v2 does not.
      "prometheus: error: required flag(s) '--config.file' not provided, try --help",
      "kopia: error: required flag(s) '--key', '--key-id' not provided, try --help",
      'node_exporter: error: required flag --collector.textfile.directory not provided, try --help',
      'blackbox_exporter: error: required flags --config.file, --web.listen-address not provided, try --help',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
  });

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

  it('unauthorized after layers of the pull finished stays registry-auth-required: one section can hold several pulls (compose), one of them refused', () => {
    const pull = 'Using default tag: latest\nlatest: Pulling from team/app\n';
    expect(
      top(
        {
          'docker.cli': `${pull}3f4e5d6c7b8a: Pull complete\n9a8b7c6d5e4f: Downloading  120MB/900MB\nunauthorized: authentication required`,
        },
        'docker',
      ),
    ).toBe('registry-auth-required');
  });

  it('GitHub\'s registry\'s bare "denied" (private or missing) leaves both readings as candidates, neither an answer', () => {
    const line =
      'docker: Error response from daemon: Head "https://ghcr.io/v2/team/app/manifests/latest": denied.';
    expect(top({ 'docker.cli': line }, 'docker')).toBeNull();
    const candidates = classifyEvidence(
      rulebook,
      {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'docker' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'docker.cli': { output: line } },
      },
      { threshold: 0.1 },
    ).matches.map((m) => m.runbookId);
    expect(candidates).toEqual(['registry-auth-required', 'image-not-found']);
  });

  it("the VPC CNI's IPAM daemon refused its EC2 calls keeps the node NotReady; another controller's refusal does not", () => {
    expect(
      top({
        'k8s.pod-logs':
          '{"level":"error","ts":"2026-11-22T23:58:00.000Z","caller":"ipamd/ipamd.go:444","msg":"Failed to call ec2:DescribeNetworkInterfaces for [eni-0123456789abcdef0]: UnauthorizedOperation: You are not authorized to perform this operation.\\n\\tstatus code: 403"}',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.pod-logs':
          'ERROR controller.provisioner creating instance, UnauthorizedOperation: You are not authorized to perform this operation. status code: 403',
      }),
    ).not.toBe('node-not-ready');
  });

  it('Elasticsearch refusing to start on a failed bootstrap check is a start-up configuration error; the same check as a warning is not', () => {
    for (const platform of ['docker', 'eks'] as const)
      expect(
        top(
          {
            [platform === 'docker' ? 'docker.logs' : 'k8s.pod-logs']:
              'ERROR: [1] bootstrap checks failed\n[1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]',
          },
          platform,
        ),
      ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          'bootstrap check failure [1] of [1]: max file descriptors [4096] for elasticsearch process is too low, increase to at least [65535]\nERROR: Elasticsearch did not exit normally - check the logs at /usr/share/elasticsearch/logs/docker-cluster.log',
      }),
    ).toBe('crashloop-config-error');
    // Bound to loopback (development mode) the same checks only warn, and the node starts.
    expect(
      top(
        {
          'docker.logs':
            '[2026-11-22T23:58:00,000][WARN ][o.e.b.BootstrapChecks    ] [node-1] max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]',
        },
        'docker',
      ),
    ).toBeNull();
  });

  it("a failed lookup of a registry's own name in the runtime's output is registry DNS; cut before the answer, or an app's lookup, it is not", () => {
    expect(
      top({
        'k8s.events':
          'dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: read udp 127.0.0.1:41970->127.0.0.11:53: i/o timeout',
      }),
    ).toBe('registry-dns-failure');
    expect(
      top(
        {
          'docker.cli':
            'dial tcp: lookup 123456789012.dkr.ecr.eu-west-1.amazonaws.com: no such host',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
    // The line cut before the resolver's answer proves nothing (a proxy-less daemon fails the same way).
    expect(
      top(
        { 'docker.cli': 'dial tcp: lookup registry-1.docker.io on 127.0.1.1:53: no such' },
        'docker',
      ),
    ).toBeNull();
    // An application in a pod resolving a registry's name is the pod's DNS, not an image pull.
    expect(
      top({
        'k8s.pod-logs':
          'dial tcp: lookup quay.io on 10.100.0.10:53: read udp 10.0.1.5:40000->10.100.0.10:53: i/o timeout',
      }),
    ).not.toBe('registry-dns-failure');
    // Another host's name in the same wording stays out of registry DNS.
    expect(
      top({
        'k8s.events': 'dial tcp: lookup api.example.com on 127.0.0.11:53: no such host',
      }),
    ).not.toBe('registry-dns-failure');
  });

  it("systemctl status showing the kubelet's last run exited with a failure keeps the node NotReady; a running kubelet does not", () => {
    expect(
      top({
        'host.services':
          '● kubelet.service - kubelet: The Kubernetes Node Agent\n   Active: activating (auto-restart) (Result: exit-code) since Sun 2026-11-22 23:58:00 UTC; 2s ago\n  Process: 1066 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS (code=exited, status=255/EXCEPTION)\n Main PID: 1066 (code=exited, status=255/EXCEPTION)',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'host.services':
          '● kubelet.service - kubelet: The Kubernetes Node Agent\n   Active: active (running) since Sun 2026-11-22 23:50:00 UTC; 8min ago\n  Process: 990 ExecStartPre=/bin/mkdir -p /var/lib/kubelet (code=exited, status=0/SUCCESS)\n Main PID: 1066 (kubelet)',
      }),
    ).toBeNull();
    // Another unit's binary exiting is not the kubelet's.
    expect(
      top({
        'host.services':
          '● kubelet-monitor.service\n  Process: 77 ExecStart=/usr/local/bin/kubelet-health-check.sh (code=exited, status=1/FAILURE)',
      }),
    ).not.toBe('node-not-ready');
  });

  it("the kubelet's image GC starting at its default high threshold (85%) is housekeeping; at 90% or more it is disk pressure", () => {
    for (const line of [
      // An EKS AMI's kubelet sets evictionHard without imagefs.available, so with images on the
      // root volume pressure starts at nodefs.available 10%: 88% is the collector doing its job.
      'I1122 23:58:02.095150 8836 image_gc_manager.go:323] "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold" usage=88 highThreshold=85 amountToFree=4356579328 lowThreshold=80',
      'I1122 23:58:02.095150 8836 image_gc_manager.go:300] [imageGCManager]: Disk usage on image filesystem is at 87% which is over the high threshold (85%). Trying to free 2147483648 bytes down to the low threshold (80%).',
      'I1122 23:58:02.095150 8836 image_gc_manager.go:323] "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold" usage=85 highThreshold=85 amountToFree=4356579328 lowThreshold=80',
      'I1122 23:58:02.095150 8836 image_gc_manager.go:300] [imageGCManager]: Disk usage on image filesystem is at 85% which is over the high threshold (85%). Trying to free 2147483648 bytes down to the low threshold (80%).',
    ])
      expect(top({ 'kubelet.journal': line }), line).toBeNull();
    expect(
      top({
        'kubelet.journal':
          'I1122 23:58:02.095150 8836 image_gc_manager.go:300] [imageGCManager]: Disk usage on image filesystem is at 91% which is over the high threshold (85%). Trying to free 2147483648 bytes down to the low threshold (80%).',
      }),
    ).toBe('node-disk-pressure');
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

  it("kubectl's bare status text is a proxy that refused the tunnel (NO_PROXY lacks the cluster); an API server's own refusal is not", () => {
    // Whatever reason phrase the proxy sent (squid's Forbidden, tinyproxy's Filtered).
    for (const line of [
      'Unable to connect to the server: Forbidden',
      'Unable to connect to the server: Access violation',
      'Unable to connect to the server: Filtered',
      'Unable to connect to the server: Proxy Authentication Required',
    ])
      expect(top({ 'k8s.cluster': line }), line).toBe('egress-proxy-misconfigured');
    // Go's own errors (the connection closed, a timeout) are no proxy's phrase.
    for (const line of [
      'Unable to connect to the server: EOF',
      'Unable to connect to the server: unexpected EOF',
      'Unable to connect to the server: context deadline exceeded',
    ])
      expect(top({ 'k8s.cluster': line }), line).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.0.10:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
    expect(
      top({
        'k8s.cluster':
          'Error from server (Forbidden): nodes is forbidden: User "system:anonymous" cannot list resource "nodes"',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });

  it("the autoscaler's no-scale-up is a shortage only for a capacity reason; a selector or taint no node group matches is not", () => {
    expect(
      top({
        'k8s.events':
          "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 1 node(s) had untolerated taint {dedicated: worker}, 8 node(s) didn't match Pod's node affinity/selector",
      }),
    ).toBeNull();
    for (const line of [
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 2 max node group size reached, 1 node(s) didn't match Pod's node affinity/selector",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 Insufficient memory",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 1 max cluster cpu, memory limit reached",
      "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up: 2 in backoff after failed scale-up",
    ])
      expect(top({ 'k8s.events': line }), line).toBe('insufficient-resources');
  });

  it('an application that says its configuration file is invalid is a start-up configuration error', () => {
    expect(
      top({
        'k8s.pod-logs':
          'Error: ✗ Datasource provisioning error: datasource.yaml config is invalid. Only one datasource per organization can be marked as default',
      }),
    ).toBe('crashloop-config-error');
  });

  it("Envoy's no healthy upstream (503 UH, text or JSON access log) is a gateway with no backend for the route; a served request or a scanner's 404 NR is not", () => {
    for (const line of [
      '[2026-11-23T00:00:00.000Z] "GET /heartbeat HTTP/1.1" 503 UH 0 19 3 - "-" "curl/8.5.0" "4f1c" "my-app.example.test" "-"',
      '{"start_time":"2026-11-23T00:00:00.000Z","method":"GET","response_code":"503","response_flags":"UH","upstream_host":null}',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('ingress-backend-misconfigured');
    // An internet-facing gateway answers unknown hosts and paths 404 NR all day.
    expect(
      top({
        'k8s.pod-logs':
          '[2026-11-23T00:00:00.000Z] "GET /wp-login.php HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "scanner" "4f1c" "203.0.113.9" "-"',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          '[2026-11-23T00:00:00.000Z] "GET /heartbeat HTTP/1.1" 200 - 0 19 3 2 "-" "curl/8.5.0" "4f1c" "my-app.example.test" "10.0.1.7:8080"',
      }),
    ).toBeNull();
  });

  it("the ingress controller refused by a backend pod's address, again and again, is a server not listening there; one refusal (a rolling restart) or an app refused by its database is not", () => {
    const refused =
      '2026/11/23 00:00:00 [error] 1263#1263: *228689 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.4, server: shop.example.test, request: "GET / HTTP/2.0", upstream: "http://10.56.2.20:8080/", host: "shop.example.test"';
    expect(top({ 'k8s.pod-logs': `${refused}\n${refused}` })).toBe('port-not-listening');
    expect(top({ 'k8s.pod-logs': refused })).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'psycopg2.OperationalError: connection to server at "db.shop.svc.cluster.local" (10.43.239.89), port 5432 failed: Connection refused',
      }),
    ).not.toBe('port-not-listening');
  });

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

  it('ENOSPC while df and df -i show every filesystem with room is no full disk; with a full one, a thin pool or a quota it is', () => {
    const enospc =
      'level=error msg="failed to flush user" err="open /tmp/loki/chunks/ZmFrZS84: no space left on device"';
    const df = (use: number) =>
      `Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       915G  223G  646G  ${use}% /`;
    const dfi =
      'Filesystem       Inodes   IUsed    IFree IUse% Mounted on\n/dev/sda1      60981248 5473071 55508177    9% /';
    expect(
      top({ 'docker.logs': enospc, 'disk.df': df(26), 'disk.inodes': dfi }, 'docker'),
    ).toBeNull();
    expect(top({ 'docker.logs': enospc, 'disk.df': df(98), 'disk.inodes': dfi }, 'docker')).toBe(
      'disk-full',
    );
    // df alone (no df -i: inodes may be what ran out) decides nothing.
    expect(top({ 'docker.logs': enospc, 'disk.df': df(26) }, 'docker')).toBe('disk-full');
    expect(
      top(
        {
          'docker.logs': `${enospc}\nwrite /data/x: disk quota exceeded`,
          'disk.df': df(26),
          'disk.inodes': dfi,
        },
        'docker',
      ),
    ).toBe('disk-full');
  });

  it('a program refusing a secret or data file others may read is a start-up configuration error', () => {
    for (const line of [
      '{"Cookie file /var/lib/rabbitmq/.erlang.cookie must be accessible by owner only",',
      'FATAL:  data directory "/var/lib/postgresql/data" has invalid permissions',
      'FATAL:  private key file "server.key" has group or world access',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
  });

  it('a URL naming a cluster Service that times out is no external endpoint (egress)', () => {
    expect(
      top({
        'k8s.pod-logs':
          'failed to download artifact, error: Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/x.tar.gz": dial tcp 10.0.165.86:80: i/o timeout',
      }),
    ).not.toBe('egress-proxy-misconfigured');
  });
  it("the process that runs the API server saying at its fatal level that the API server exited is the control plane down; any other program's 'API server exited' is not", () => {
    const yamlError =
      'error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context';
    expect(
      top({
        'kubelet.journal': `Nov 22 23:51:48 node microk8s.daemon-kubelite[1085]: F1122 23:51:48.534397    1085 daemon.go:67] API Server exited open cluster.yaml node store: ${yamlError}`,
      }),
    ).toBe('control-plane-unavailable');
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:50:01 cp k3s[812]: time="2026-11-22T23:50:01Z" level=fatal msg="apiserver exited: unable to load server certificate: open /var/lib/rancher/k3s/server/tls/serving-kube-apiserver.crt: no such file or directory"',
      }),
    ).toBe('control-plane-unavailable');
    // An application's own API server stopping is its business, not the Kubernetes API's.
    expect(
      top({
        'k8s.pod-logs': `[ERROR] API server exited: listen tcp :8080: bind: address already in use`,
      }),
    ).not.toBe('control-plane-unavailable');
    expect(top({ 'k8s.pod-logs': `API Server exited with code 1\n${yamlError}` })).not.toBe(
      'control-plane-unavailable',
    );
    // A stop ends the server's context; older k3s logged that at its fatal level.
    for (const stop of ['context canceled', '<nil>'])
      expect(
        top({
          'kubelet.journal': `Nov 22 23:50:01 cp k3s[812]: time="2026-11-22T23:50:01Z" level=fatal msg="apiserver exited: ${stop}"`,
        }),
      ).toBeNull();
  });

  it('an API server that keeps saying it is not ready to handle requests, with no start after, is the control plane down; the wait at a start is not', () => {
    const notReady = (t: string) =>
      `Nov 22 23:54:${t} cp k3s[23475]: E1122 23:54:${t}.647340   23475 controller.go:156] Unable to perform initial Kubernetes service initialization: services "kubernetes" is forbidden: not yet ready to handle request`;
    expect(top({ 'kubelet.journal': [notReady('11'), notReady('21')].join('\n') })).toBe(
      'control-plane-unavailable',
    );
    // Once is the normal wait for storage at a start; followed by k3s saying it is up, it came up.
    expect(top({ 'kubelet.journal': notReady('11') })).toBeNull();
    expect(
      top({
        'kubelet.journal': [
          notReady('11'),
          notReady('21'),
          'Nov 22 23:54:30 cp k3s[23475]: time="2026-11-22T23:54:30Z" level=info msg="k3s is up and running"',
        ].join('\n'),
      }),
    ).toBeNull();
    // A kubeadm API server's start (an upgrade, a certificate renewal) waits the same way, and it and
    // the kubelet it refuses meanwhile log no line that says it came up.
    expect(
      top({
        'k8s.pod-logs': [
          '2026-11-22T23:54:01.100Z stderr F I1122 23:54:01.100000       1 secure_serving.go:213] Serving securely on [::]:6443',
          '2026-11-22T23:54:02.100Z stderr F E1122 23:54:02.100000       1 controller.go:148] "Unhandled Error" err="Unable to perform initial Kubernetes service initialization: services \\"kubernetes\\" is forbidden: not yet ready to handle request"',
          '2026-11-22T23:54:02.200Z stderr F E1122 23:54:02.200000       1 controller.go:95] unable to sync kubernetes service: services "kubernetes" is forbidden: not yet ready to handle request',
        ].join('\n'),
        'kubelet.journal': [
          'Nov 22 23:54:02 cp kubelet[901]: E1122 23:54:02.300000     901 controller.go:145] "Failed to ensure lease exists, will retry" err="leases.coordination.k8s.io \\"cp\\" is forbidden: not yet ready to handle request" interval="400ms"',
          'Nov 22 23:54:02 cp kubelet[901]: E1122 23:54:02.700000     901 event.go:368] "Server rejected event (will not retry!)" err="events is forbidden: not yet ready to handle request"',
        ].join('\n'),
      }),
    ).toBeNull();
  });

  it("an ingress controller that finds no port of the Service by the Ingress's port name is a backend misconfiguration", () => {
    expect(
      top({
        'k8s.pod-logs':
          "type: 'Warning' reason: 'ERROR' error instantiating load balancer: no port is mapped for service shop-api and port name 3001",
      }),
    ).toBe('ingress-backend-misconfigured');
    // Traefik's Kubernetes providers, when the Service's port (by name or number) is not in its Endpoints.
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:55:25Z" level=error msg="cannot define a port for shop/api" ingress=api namespace=shop providerName=kubernetes',
      }),
    ).toBe('ingress-backend-misconfigured');
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
  it("a quota alone is no full disk (a volume's or user's limit; the kernel's key quota is no disk at all)", () => {
    expect(
      top({
        'k8s.pod-logs':
          '2026-11-22 23:56:31,061 WARN Disk quota exceeded (kafka.utils.CoreUtils$)\njava.io.IOException: Disk quota exceeded',
      }),
    ).toBeNull();
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: join session keyring: create session key: disk quota exceeded: unknown',
        },
        'docker',
      ),
    ).not.toBe('disk-full');
    // Nor does the key quota keep an ENOSPC with room everywhere from being ruled out.
    expect(
      top(
        {
          'docker.cli':
            'Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: join session keyring: create session key: disk quota exceeded: unknown\nmkdir /srv/spool/q/4f1c: no space left on device',
          'disk.df':
            'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       915G  223G  646G  26% /',
          'disk.inodes':
            'Filesystem       Inodes   IUsed    IFree IUse% Mounted on\n/dev/sda1      60981248 5473071 55508177    9% /',
        },
        'docker',
      ),
    ).not.toBe('disk-full');
  });

  it('a database refusing for lack of free space is a full disk, unless df shows room everywhere', () => {
    const mongo =
      '2026-11-22T23:55:04.800+0000 I STORAGE  [initandlisten] exception in initAndListen: 15926 Insufficient free space for journals, terminating';
    expect(top({ 'docker.logs': mongo }, 'docker')).toBe('disk-full');
    const roomy = {
      'disk.df':
        'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       915G  223G  646G  26% /',
      'disk.inodes':
        'Filesystem       Inodes   IUsed    IFree IUse% Mounted on\n/dev/sda1      60981248 5473071 55508177    9% /',
    };
    expect(top({ 'docker.logs': mongo, ...roomy }, 'docker')).toBeNull();
    // Windows' wording is the OS's ENOSPC, read once (by enospc), not also as a database's own check.
    const windows = classifyEvidence(rulebook, {
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'docker' },
      collectedAt: '2026-11-23T00:00:00Z',
      sections: {
        'docker.cli': {
          output:
            're-exec error: exit status 1: output: write C:\\ProgramData\\docker\\tmp\\hcs123\\Files\\app.dll: There is not enough space on the disk.',
        },
      },
    }).explanations.find((e) => e.runbookId === 'disk-full');
    expect(windows?.signals.map((s) => s.id)).toEqual(['enospc']);
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
  it("the kubelet's own client certificate expired is a node that cannot post its status; another client's expired certificate is not", () => {
    expect(
      top({
        'kubelet.journal':
          'E1122 23:53:23.994527    3081 bootstrap.go:265] part of the existing bootstrap client certificate in /etc/kubernetes/kubelet.conf is expired: 2026-11-22 04:45:09 +0000 UTC',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:53:23.994527       1 reflector.go:138] client certificate in /etc/app/tls.crt is expired',
      }),
    ).not.toBe('node-not-ready');
  });

  it("kubectl refusing the server's certificate is no confident API server down (expired server certificates or the client's clock); etcd's peers refusing theirs is", () => {
    const rejected = (sections: Record<string, string>) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: Object.fromEntries(
          Object.entries(sections).map(([k, output]) => [k, { output }]),
        ),
      }).matches[0];
    const kubectl = {
      'k8s.cluster':
        'Unable to connect to the server: x509: certificate has expired or is not yet valid',
    };
    expect(rejected(kubectl)?.runbookId).toBe('control-plane-unavailable');
    expect(rejected(kubectl)!.confidence).toBeLessThan(0.6);
    const peers = {
      ...kubectl,
      'k8s.pod-logs':
        'W | rafthttp: health check for peer 6221a1d241bb2d0a could not connect: x509: certificate has expired or is not yet valid',
    };
    expect(rejected(peers)?.runbookId).toBe('control-plane-unavailable');
    expect(rejected(peers)!.confidence).toBeGreaterThanOrEqual(0.8);
    expect(
      top({
        'k8s.cluster': 'Unable to connect to the server: dial tcp 10.0.0.10:443: i/o timeout',
      }),
    ).toBe('control-plane-unavailable');
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
  it('a pod evicted for its own ephemeral-storage limit is no node under disk pressure; a pod evicted because the node ran low is', () => {
    for (const message of [
      'Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.',
      'Usage of EmptyDir volume "cache" exceeds the limit "500Mi".',
      'Container web exceeded its local ephemeral storage limit "1Gi".',
    ])
      expect(
        top({
          'k8s.events': `LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n2m          Warning   Evicted   pod/web-7d9f   ${message}`,
        }),
        message,
      ).not.toBe('node-disk-pressure');
    expect(
      top({
        'k8s.events':
          'LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n2m          Warning   Evicted   pod/web-7d9f   The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1536Mi.',
      }),
    ).toBe('node-disk-pressure');
  });
  it("kubectl built with Go 1.20 or later wraps the x509 rejection in 'tls: failed to verify certificate:': still no confident API server down", () => {
    const first = (output: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'k8s.cluster': { output } },
      }).matches[0];
    const expired = first(
      'Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-23T00:12:21Z is after 2026-11-22T04:29:31Z',
    );
    expect(expired?.runbookId).toBe('control-plane-unavailable');
    expect(expired!.confidence).toBeLessThan(0.6);
    // Another cluster's CA in the kubeconfig: the server answered, nothing says it is down.
    expect(
      first(
        'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority',
      )?.runbookId ?? null,
    ).toBeNull();
  });
  it("etcd 3.5's structured prober line for a peer whose certificate expired is etcd's certificates expired", () => {
    const first = (output: string) =>
      classifyEvidence(rulebook, {
        schema: EVIDENCE_SCHEMA,
        target: { platform: 'eks' },
        collectedAt: '2026-11-23T00:00:00Z',
        sections: { 'k8s.pod-logs': { output } },
      }).matches[0];
    const peers = first(
      '{"level":"warn","ts":"2026-11-22T23:55:26.342Z","caller":"rafthttp/probing_status.go:68","msg":"prober detected unhealthy status","round-tripper-name":"ROUND_TRIPPER_RAFT_MESSAGE","remote-peer-id":"18176d0976f2223e","rtt":"15.701311ms","error":"tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-22T23:55:26Z is after 2026-11-22T00:18:47Z"}',
    );
    expect(peers?.runbookId).toBe('control-plane-unavailable');
    expect(peers!.confidence).toBeGreaterThanOrEqual(0.8);
  });
  it("the kubelet's serving certificate expired is no node that cannot post its status; its client certificate expired is", () => {
    // With serverTLSBootstrap (EKS's AMIs set it) the kubelet's serving certificate has its own
    // manager: past its expiry logs and exec fail, the node still posts its status.
    expect(
      top({
        'kubelet.journal':
          'I1122 23:53:23.994527    3081 certificate_manager.go:356] kubernetes.io/kubelet-serving: Current certificate is expired',
      }),
    ).not.toBe('node-not-ready');
    expect(
      top({
        'kubelet.journal':
          'I1122 23:53:23.994527    3081 certificate_manager.go:356] kubernetes.io/kube-apiserver-client-kubelet: Current certificate is expired',
      }),
    ).toBe('node-not-ready');
  });
  it('a pod evicted because the node ran out of inodes is node disk pressure', () => {
    // The kubelet names inode signals (nodefs.inodesFree, imagefs.inodesFree) by the resource "inodes".
    expect(
      top({
        'k8s.events':
          'LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n2m          Warning   Evicted   pod/web-7d9f   The node was low on resource: inodes. Threshold quantity: 5%, available: 1200. ',
      }),
    ).toBe('node-disk-pressure');
  });
  it("the API server failing to look up a kubelet's hostname (port 10250) is no pod's DNS; a pod's lookup failing is", () => {
    expect(
      top({
        'k8s.pod-logs':
          'Error from server: Get https://node-7:10250/containerLogs/kube-system/coredns-6ccd496668-4zp4k/coredns: dial tcp: lookup node-7 on 10.0.0.2:53: no such host',
      }),
    ).toBeNull();
    expect(
      top({
        'k8s.pod-logs':
          'Get "https://billing.shop.svc:8443/api": dial tcp: lookup billing.shop.svc on 10.100.0.10:53: read udp 10.0.1.7:41234->10.100.0.10:53: i/o timeout',
      }),
    ).toBe('dns-resolution-failure');
  });

  it("a C client's musl resolver message (`<host>:<port>: Try again`) beside an egress policy that admits no DNS is the policy", () => {
    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: cache\nspec:\n  podSelector:\n    matchLabels:\n      app: cache\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector: {}';
    const lookup = 'Could not connect to Redis at cache-sentinel:26379: Try again';
    expect(top({ 'k8s.pod-logs': lookup, 'k8s.networkpolicies': policy })).toBe(
      'network-policy-blocked',
    );
    // Without a policy the same line is the cluster's DNS failing; a refusal is no lookup at all.
    expect(top({ 'k8s.pod-logs': lookup })).toBe('dns-resolution-failure');
    expect(
      top({
        'k8s.pod-logs': 'Could not connect to Redis at cache-sentinel:26379: Connection refused',
        'k8s.networkpolicies': policy,
      }),
    ).not.toBe('network-policy-blocked');
  });

  it('a pod that prints its usage and is restarted in a loop was started with the wrong arguments; usage alone is not', () => {
    const usage =
      'Keycloak - Open Source Identity and Access Management\n\nUsage:\n\nkc.sh [OPTIONS] [COMMAND]';
    expect(
      top({
        'k8s.pod-logs': usage,
        'k8s.pods':
          'NAME               READY   STATUS             RESTARTS      AGE\nkeycloak-1-6pmv9   0/1     CrashLoopBackOff   5 (24s ago)   3m27s',
      }),
    ).toBe('crashloop-config-error');
    expect(top({ 'k8s.pod-logs': usage })).toBeNull();
  });

  it("an image's entrypoint naming the variable it needs is a configuration error, also in compose's own output", () => {
    expect(
      top(
        {
          'docker.cli':
            'db-1  | Error: Database is uninitialized and superuser password is not specified.\ndb-1  |        You must specify POSTGRES_PASSWORD to a non-empty value for the\ndb-1 exited with code 1',
        },
        'docker',
      ),
    ).toBe('crashloop-config-error');
    // Advice to specify a flag or a lower-case word is no variable name, nor is a config key.
    expect(top({ 'docker.cli': 'Hint: you must specify a tag to push' }, 'docker')).toBeNull();
    expect(
      top({ 'k8s.pod-logs': 'WARNING: you must specify log_level in config.yaml; using info' }),
    ).toBeNull();
  });

  it("the cluster autoscaler's scale-down simulation (a pod that would fit on no other node) is no pod short of resources", () => {
    const simulation =
      'I1122 23:55:30.105993       1 cluster.go:222] Evaluation ip-10-0-1-5.ec2.internal for shop/api-7b584bf689-vzbn4 -> PodFitsResources predicate mismatch, reason: Insufficient pods\nI1122 23:55:30.106106       1 cluster.go:126] Fast evaluation: node ip-10-0-1-9.ec2.internal is not suitable for removal: failed to find place for shop/api-7b584bf689-vzbn4';
    expect(top({ 'k8s.pod-logs': simulation })).toBeNull();
    expect(
      top({
        'k8s.events':
          'Warning  FailedScheduling  12s  default-scheduler  0/4 nodes are available: 4 Insufficient pods.',
      }),
    ).toBe('insufficient-resources');
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

  it("Go's old resolver wording (`no answer from server`) on a pull is the registry's name not resolving", () => {
    expect(
      top(
        {
          'docker.cli':
            'FATA[0270] Get https://index.docker.io/v1/repositories/library/nginx/images: dial tcp: lookup index.docker.io on 10.0.2.71:53: no answer from server',
        },
        'docker',
      ),
    ).toBe('registry-dns-failure');
  });

  it("the cluster DNS server's own account refused what it serves from, or CoreDNS waiting on the API again and again, is cluster DNS failing", () => {
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:37.616396       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.21.1/tools/cache/reflector.go:167: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope',
      }),
    ).toBe('dns-resolution-failure');
    // Another controller refused is its own RBAC, not DNS.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:37.616396       1 reflector.go:138] Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:monitoring:exporter" cannot list resource "endpointslices"',
      }),
    ).toBeNull();
    const waiting = '[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server';
    // CoreDNS logs the wait every 500 ms and starts unsynced after 5 s.
    expect(
      top({
        'k8s.pod-logs': `${Array(9).fill(waiting).join('\n')}\n[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API`,
      }),
    ).toBe('dns-resolution-failure');
    expect(top({ 'k8s.pod-logs': Array(10).fill(waiting).join('\n') })).toBe(
      'dns-resolution-failure',
    );
    // A slow but normal start waits a few ticks, in each replica.
    expect(top({ 'k8s.pod-logs': Array(4).fill(waiting).join('\n') })).toBeNull();
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

  it("a dial to a private address behind its URL (the kubernetes Service's ClusterIP) is no external endpoint, so no proxy's business; a policy that isolates egress explains it", () => {
    const timeout =
      'webhook: error building admission chain: Get https://172.30.0.1:443/api: dial tcp 172.30.0.1:443: i/o timeout';
    expect(top({ 'k8s.pod-logs': timeout })).not.toBe('egress-proxy-misconfigured');
    expect(
      top({
        'k8s.pod-logs': timeout,
        'k8s.networkpolicies':
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: webhook\nspec:\n  podSelector:\n    matchLabels:\n      app: webhook\n  policyTypes:\n  - Egress\n  egress:\n  - ports:\n    - port: 443\n      protocol: TCP',
      }),
    ).toBe('network-policy-blocked');
    // A public endpoint timing out is still the egress path's.
    expect(
      top({
        'k8s.pod-logs':
          'Get https://api.example.test/v1/items: dial tcp 203.0.113.7:443: i/o timeout',
      }),
    ).toBe('egress-proxy-misconfigured');
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

  it('nslookup failing in a container run by `docker run` on a Docker host is no cluster DNS (CoreDNS) failing', () => {
    const inContainer =
      "Status: Downloaded newer image for busybox:latest\nServer:    10.0.2.3\nAddress 1: 10.0.2.3\n\nnslookup: can't resolve 'example.test'";
    expect(top({ 'docker.cli': inContainer }, 'docker')).not.toBe('dns-resolution-failure');
    expect(top({ 'net.dns': "nslookup: can't resolve 'orders.shop.svc.cluster.local'" })).toBe(
      'dns-resolution-failure',
    );
  });

  it("a program's own space check that df contradicts is no full disk; a write the kernel refused still is", () => {
    const df =
      'Filesystem           1G-blocks  Used Available Use% Mounted on\n/dev/mapper/VolGroup-lv_root\n                            50    14        34  28% /\n/dev/sda1                    1     1         1  19% /boot';
    const check =
      'checkSpace.sh: ERROR - There is not enough space available in the docker container.\ncheckSpace.sh: The container needs at least 15 GB, but only 6 GB are available.';
    expect(top({ 'docker.cli': check, 'disk.df': df }, 'docker')).toBeNull();
    expect(top({ 'docker.cli': check }, 'docker')).toBe('disk-full');
    expect(
      top(
        {
          'docker.cli': `${check}\ncp: error writing '/u01/app/oracle/x.dbf': No space left on device`,
          'disk.df': df,
        },
        'docker',
      ),
    ).toBe('disk-full');
  });

  it('a strict decoder naming a key its configuration does not know is a configuration error; a request it rejects is not', () => {
    expect(
      top({
        'k8s.pod-logs': 'ERROR vector::cli: Configuration error. error=unknown field api_version',
      }),
    ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          'level=warn msg="rejected request" error="json: unknown field \\"colour\\"" path=/api/v1/items',
      }),
    ).toBeNull();
    // A program that skips the key it does not know keeps running.
    expect(
      top({ 'k8s.pod-logs': 'WARN config error: unknown key "log_colour" (ignored)' }),
    ).toBeNull();
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

  it("the kubelet's transport to the runtime socket failing is the runtime down; Karpenter's spent NodePool limits are capacity", () => {
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:58:31 ip-10-1-22-8 kubelet[5207]: W1122 23:58:31.864779  5207 clientconn.go:1326] [core] grpc: addrConn.createTransport failed to connect to {/run/dockershim.sock /run/dockershim.sock <nil> 0 <nil>}. Err: connection error: desc = "transport: failed to write client preface: write unix @->/run/dockershim.sock: write: broken pipe".Reconnecting...',
      }),
    ).toBe('node-not-ready');
    expect(
      top({
        'k8s.events':
          'Warning  FailedScheduling  2m  karpenter  Failed to schedule pod, all available instance types exceed limits for nodepool: "default"',
      }),
    ).toBe('insufficient-resources');
    expect(
      top({
        'k8s.events':
          'Failed to schedule pod, incompatible with nodepool "trn1", daemonset overhead={"cpu":"280m"}, no instance type satisfied resources {"cpu":"124280m","memory":"498431899Ki"} and requirements node.kubernetes.io/instance-type In [trn1.32xlarge] (no instance type has enough resources)',
      }),
    ).toBe('insufficient-resources');
    // A pod whose requirements no instance type meets is not short of capacity.
    expect(
      top({
        'k8s.events':
          'Failed to schedule pod, incompatible with nodepool "default", no instance type satisfied resources {"cpu":"1"} and requirements kubernetes.io/arch In [s390x] (no instance type met the scheduling requirements or had enough resources)',
      }),
    ).toBeNull();
    // Another client's gRPC transport failing is not the runtime.
    expect(
      top({
        'kubelet.journal':
          'Nov 22 23:58:31 ip-10-1-22-8 kubelet[5207]: W1122 23:58:31.864779  5207 clientconn.go:1326] grpc: addrConn.createTransport failed to connect to {/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock <nil> 0 <nil>}. Err: connection refused',
      }),
    ).toBeNull();
  });

  it("the kubelet's own eviction thresholds (memory.available among them) are configuration, not memory pressure that would explain the evictions", () => {
    const evicted = [
      'nginx-7dd5bd97-g4mqt   0/1     Evicted   0          69s   <none>   master3   <none>   <none>',
      'nginx-7dd5bd97-gg9mb   0/1     Evicted   0          50s   <none>   master3   <none>   <none>',
    ].join('\n');
    expect(
      top({
        'k8s.pods': evicted,
        'kubelet.config':
          '--eviction-hard=memory.available<512Mi,nodefs.available<10Gi,imagefs.available<5Gi',
      }),
    ).toBe('node-disk-pressure');
    expect(
      top({
        'k8s.pods': evicted,
        'k8s.events':
          'Warning  Evicted  pod/nginx-7dd5bd97-g4mqt  The node was low on resource: memory.',
      }),
    ).not.toBe('node-disk-pressure');
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

  it('a refusal on the IPv6 loopback alone (localhost resolved to [::1], no fallback) is no port left unbound; a refusal on an IPv4 address still is', () => {
    const busybox = (address: string) => ({
      'docker.cli': `wget: can't connect to remote host: Connection refused\nConnecting to localhost:80 (${address})\nwget: can't connect to remote host: Connection refused`,
    });
    expect(top(busybox('[::1]:80'), 'docker')).toBeNull();
    const goDial = (address: string) => ({
      'docker.logs': `Get "http://localhost:3000/healthz": dial tcp ${address}: connect: connection refused`,
    });
    // Go falls back to 127.0.0.1 and reports only the first family's error: down on both, maybe.
    expect(top(goDial('[::1]:3000'), 'docker')).toBe('port-not-listening');
    expect(top(goDial('127.0.0.1:3000'), 'docker')).toBe('port-not-listening');
    expect(top(busybox('127.0.0.1:80'), 'docker')).toBe('port-not-listening');
    expect(
      top(
        {
          'docker.logs': `${goDial('[::1]:3000')['docker.logs']}\n${goDial('127.0.0.1:3000')['docker.logs']}`,
        },
        'docker',
      ),
    ).toBe('port-not-listening');
  });

  it('an application\'s own "ENV Variable \'X\' must be provided" is a missing setting, as "environment variable X" is', () => {
    expect(
      top({
        'k8s.pod-logs': "2026-11-22 23:55:21,741 - ENV Variable 'SERVICE_API_KEY' must be provided",
        'k8s.pods':
          'NAME        READY   STATUS             RESTARTS       AGE\napi-0       0/1     CrashLoopBackOff   8 (2m ago)     20m',
      }),
    ).toBe('crashloop-config-error');
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

  it('df -i showing the root overlay out of inodes is a full disk, as the same row out of blocks is', () => {
    const df = (header: string, row: string) => ({ 'disk.inodes': `${header}\n${row}` });
    const inodes = 'Filesystem     Inodes IUsed IFree IUse% Mounted on';
    expect(top(df(inodes, 'overlay           57K   57K   232  100% /'), 'docker')).toBe(
      'disk-full',
    );
    // An overlay mounted elsewhere (a container's layer seen from the host) is not the root.
    expect(
      top(
        df(inodes, 'overlay           57K   57K   232  100% /var/lib/docker/overlay2/abc/merged'),
        'docker',
      ),
    ).toBeNull();
  });

  it('a docker.socket that later systemd refuses (no Listen setting, a bad unit file setting) leaves the daemon unstartable', () => {
    for (const status of [
      'Nov 22 23:55:01 h systemd[1]: docker.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.',
      '     Loaded: bad-setting (Reason: Unit docker.socket has a bad unit file setting.)',
    ])
      expect(top({ 'host.services': status }, 'docker'), status).toBe('docker-daemon-down');
  });

  it("nginx refused on an upstream's IPv4 address is no IPv6-only refusal, whatever else refused on [::1]", () => {
    const refused = (n: number) =>
      `2026/11/22 23:5${n}:01 [error] 31#31: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.1.5, server: _, request: "GET / HTTP/1.1", upstream: "http://10.1.2.3:8080/", host: "shop.example.test"`;
    expect(
      top({
        'k8s.pod-logs': `${refused(1)}\n${refused(2)}\nConnecting to localhost:9229 ([::1]:9229)`,
      }),
    ).toBe('port-not-listening');
  });

  it("a policy agent's DENY of some other pod's flow does not undo the evaluation that allowed this one's; a reply it dropped does", () => {
    const sections = (flow: string) => ({
      'k8s.networkpolicies':
        'Name:         default-deny-egress\nNamespace:    shop\nSpec:\n  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Policy Types: Egress\nALLOWED shop/web -> shop/api 8080/TCP: allowed by allow-api',
      'k8s.events':
        'Warning  Unhealthy  2m  kubelet  Readiness probe failed: Get "http://10.0.3.4:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      'cni.policy-verdicts': `{"level":"info","ts":"2026-11-22T23:58:14.448Z","msg":"Flow Info: ${flow} Proto TCP Verdict DENY Direction ingress"}`,
    });
    expect(
      top(sections('Src IP: 10.0.77.12 Src Port: 51000 Dest IP: 10.0.9.70 Dest Port: 22')),
    ).toBe('probe-failure');
    expect(
      top(sections('Src IP: 10.0.3.4 Src Port: 8080 Dest IP: 10.0.5.6 Dest Port: 41000')),
    ).toBe('network-policy-blocked');
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

  it("the API server failing to resolve a node's host name when it dials the kubelet (kubectl logs) is not the pods' DNS; a Service lookup failing beside it still is", () => {
    const kubeletDial =
      'Error from server: Get "https://node-a:10250/containerLogs/default/web-0/web": dial tcp: lookup node-a: Try again';
    expect(top({ 'k8s.pod-logs': kubeletDial })).toBeNull();
    expect(
      top({
        'k8s.pod-logs': `${kubeletDial}\n2026-11-22T23:58:01Z error dial tcp: lookup api.shop.svc.cluster.local on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
      }),
    ).toBe('dns-resolution-failure');
    // Any other name failing beside it, on the cluster resolver: the pods' DNS may be down.
    expect(
      top({
        'k8s.pod-logs': `${kubeletDial}\n2026-11-22T23:58:01Z error dial tcp: lookup api.payments.example.com on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
      }),
    ).toBe('dns-resolution-failure');
    // Older kubectl printed the URL without quotes.
    expect(
      top({
        'k8s.pod-logs':
          'Error from server: Get https://node-a:10250/containerLogs/default/web-0/web: dial tcp: lookup node-a: Try again',
      }),
    ).toBeNull();
  });

  it('ENOSPC from the kernel where no disk is involved (a pid written to a cgroup, a semaphore past its limit) is no full disk; from a write to a real path it is', () => {
    const cli = (line: string) => top({ 'docker.cli': line }, 'docker');
    expect(
      cli(
        'Error response from daemon: Cannot start container 4c1e: [8] System error: write /sys/fs/cgroup/cpuset/system.slice/docker-4c1e.scope/cgroup.procs: no space left on device',
      ),
    ).toBeNull();
    expect(
      cli(
        "[Sun Nov 22 23:58:01.000001 2026] [core:emerg] [pid 1:tid 1] (28)No space left on device: AH00023: Couldn't create the mpm-accept mutex",
      ),
    ).toBeNull();
    expect(
      cli(
        'Error response from daemon: write /var/lib/docker/tmp/GetImageBlob123: no space left on device',
      ),
    ).toBe('disk-full');
    expect(
      cli(
        'Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to apply cgroup configuration: mkdir /sys/fs/cgroup/memory/docker/4c1e: no space left on device: unknown',
      ),
    ).toBeNull();
    expect(
      cli(
        '2026-11-22 23:58:01.000 UTC [1] FATAL:  could not create semaphores: No space left on device',
      ),
    ).toBeNull();
    // A mutex kept in a file is written to a disk.
    expect(
      cli(
        "[Sun Nov 22 23:58:01.000001 2026] [rewrite:crit] [pid 1] (28)No space left on device: AH00023: Couldn't create the rewrite-map mutex (file /var/run/apache2/rewrite-map.1)",
      ),
    ).toBe('disk-full');
  });

  it("an ingress controller naming the backend Service it cannot find without quotes (haproxy-ingress, Contour) or the Service port it lacks (the ALB controller's wording) is the backend misconfigured", () => {
    expect(
      top({
        'k8s.pod-logs':
          'W1122 23:58:01.698621       9 controller.go:790] error obtaining service endpoints: error getting service shop/web from the cache: service shop/web was not found',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.services':
          "status:\n  currentStatus: invalid\n  description: 'tcpforward: service default/kuard: not found'",
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          'kubebuilder/controller "msg"="Reconciler error" "error"="failed to reconcile targetGroups due to failed to reconcile targetGroup targets due to Unable to find 5003 port on service nexus"',
      }),
    ).toBe('ingress-backend-misconfigured');
    // The controller's own publish Service missing is its setup, not a rule's backend.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:01.000000       7 status.go:290] error getting publish service: service ingress-nginx/ingress-nginx-controller was not found',
      }),
    ).toBeNull();
  });

  it("a kubelet whose clusterDNS is not the cluster DNS Service's address gives every pod a resolver that answers nothing, once lookups fail; one that is, or a node-local cache, is healthy", () => {
    const node = (clusterDns: string) => ({
      'kubelet.config': `{\n  "clusterDomain": "cluster.local",\n  "clusterDNS": ["${clusterDns}"],\n  "maxPods": 29\n}`,
      'k8s.cluster':
        '$ kubectl -n kube-system get service kube-dns\nNAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE\nkube-dns   ClusterIP   10.100.0.10   <none>        53/UDP,53/TCP,9153/TCP   9d',
    });
    const failing = {
      'k8s.pod-logs':
        'dial tcp: lookup api.shop.svc.cluster.local on 10.100.0.1:53: read udp 10.0.3.4:41000->10.100.0.1:53: i/o timeout',
    };
    expect(top({ ...node('10.100.0.1'), ...failing })).toBe('dns-resolution-failure');
    // A resolver that differs with nothing failing (a cache on a ULA, a pod's own) is no finding.
    expect(top(node('10.100.0.1'))).toBeNull();
    expect(top(node('169.254.20.10'))).toBeNull();
  });

  it('a server that cannot create its IPv6 listening socket (IPv6 disabled in the kernel) listens on nothing; a validator that says the configuration holds invalid values is a configuration error', () => {
    expect(
      top(
        {
          'docker.logs':
            'nginx: [emerg] socket() [::]:8080 failed (97: Address family not supported by protocol)',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    expect(
      top({
        'k8s.pod-logs':
          '2026/11/22 23:58:01 listen tcp [::]:8080: socket: address family not supported by protocol',
      }),
    ).toBe('port-not-listening');
    expect(
      top(
        {
          'docker.logs':
            '[ALERT] 098/102718 (1) : Starting frontend dockerfrontend: cannot create listening socket [:::2375]',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    // The errno alone counts only beside a configuration that listens on [::].
    const errno = { 'docker.logs': '97: Address family not supported by protocol' };
    expect(top(errno, 'docker')).toBeNull();
    expect(
      top(
        {
          ...errno,
          'container.nginx-config': 'listen 80 default_server;\nlisten [::]:80 default_server;',
        },
        'docker',
      ),
    ).toBe('port-not-listening');
    const validator = (line: string) =>
      top({
        'k8s.pods':
          'NAME               READY   STATUS             RESTARTS     AGE\nshop-courier-0     0/1     CrashLoopBackOff   1 (9s ago)   10s',
        'k8s.pod-logs': line,
      });
    expect(validator('The configuration contains values or keys which are invalid:')).toBe(
      'crashloop-config-error',
    );
    expect(validator('The configuration contains no invalid values; starting')).not.toBe(
      'crashloop-config-error',
    );
    expect(validator('Configuration contains 0 invalid entries')).not.toBe(
      'crashloop-config-error',
    );
    expect(
      validator('checking whether configuration contains invalid keys (strict mode off)'),
    ).not.toBe('crashloop-config-error');
  });

  it('etcd taking seconds to serve a request while the controllers lose their leases is the control plane down; a slow request alone is a warning', () => {
    const etcd =
      '{"level":"warn","ts":"2026-11-22T23:58:20.943Z","caller":"v3rpc/interceptor.go:197","msg":"request stats","start time":"2026-11-22T23:58:18.918Z","time spent":"2.024605217s","remote":"127.0.0.1:58682"}';
    const leaseLost =
      'E1122 23:58:19.396976       1 leaderelection.go:330] error retrieving resource lock kube-system/kube-controller-manager: Get "https://127.0.0.1:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s": context deadline exceeded';
    expect(top({ 'k8s.pod-logs': `${etcd}\n${leaseLost}` })).toBe('control-plane-unavailable');
    expect(top({ 'k8s.pod-logs': etcd })).toBeNull();
    expect(
      top({
        'k8s.pod-logs': `{"level":"warn","ts":"2026-11-22T23:58:20.943Z","msg":"apply request took too long","took":"3.2s","expected-duration":"100ms"}\n${leaseLost}`,
      }),
    ).toBe('control-plane-unavailable');
    // Go prints a minute or more as 1m2.5s.
    expect(
      top({
        'k8s.pod-logs': `{"level":"warn","ts":"2026-11-22T23:58:20.943Z","msg":"apply request took too long","took":"1m2.5s","expected-duration":"100ms"}\n${leaseLost}`,
      }),
    ).toBe('control-plane-unavailable');
  });

  it('an external name the cluster resolver says does not exist, beside a proxy set for containers, went around the proxy; without a proxy, or with the resolver failing too, it is DNS', () => {
    const lookup =
      'Error: Get "https://charts.example.com/index.yaml": dial tcp: lookup charts.example.com on 10.100.0.10:53: no such host';
    const proxy =
      'env:\n- name: https_proxy\n  value: http://proxy.corp.test:3128/\n- name: no_proxy\n  value: argocd-repo-server,10.0.0.0/8';
    expect(top({ 'k8s.pod-logs': lookup, 'net.proxy': proxy })).toBe('egress-proxy-misconfigured');
    expect(top({ 'k8s.pod-logs': lookup })).toBe('dns-resolution-failure');
    // A Service's name.namespace short form is the cluster's, not a public name.
    expect(
      top({
        'k8s.pod-logs': 'dial tcp: lookup redis.cache on 10.96.0.10:53: no such host',
        'net.proxy': proxy,
      }),
    ).not.toBe('egress-proxy-misconfigured');
    expect(
      top({
        'k8s.pod-logs': `${lookup}\ndial tcp: lookup api.shop.svc.cluster.local on 10.100.0.10:53: read udp 10.0.3.4:41000->10.100.0.10:53: i/o timeout`,
        'net.proxy': proxy,
      }),
    ).toBe('dns-resolution-failure');
  });

  it("Traefik's missing-Service wordings are the ingress backend", () => {
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:01Z" level=error msg="Cannot create service: service not found" providerName=kubernetes ingress=vault serviceName=ws namespace=vault',
      }),
    ).toBe('ingress-backend-misconfigured');
    expect(
      top({
        'k8s.pod-logs':
          'time="2026-11-22T23:58:01Z" level=error msg="kubernetes service not found: shop/web" providerName=kubernetescrd ingress=web namespace=shop',
      }),
    ).toBe('ingress-backend-misconfigured');
  });

  it("the host's own resolver failing for the registry in net.dns (the collector's probe host) is registry DNS, on either platform; for another name it is not", () => {
    const probe = (host: string) => ({
      'net.dns': `;; Got SERVFAIL reply from 192.168.49.1\nServer:\t\t192.168.49.1\nAddress:\t192.168.49.1#53\n\n** server can't find ${host}: SERVFAIL`,
    });
    expect(top(probe('registry-1.docker.io'), 'eks')).toBe('registry-dns-failure');
    expect(top(probe('123456789012.dkr.ecr.eu-west-1.amazonaws.com'), 'docker')).toBe(
      'registry-dns-failure',
    );
    expect(top(probe('api.shop.svc.cluster.local'), 'eks')).not.toBe('registry-dns-failure');
  });
});
