// crashloop-config-error: a program that exits on its own configuration (missing or invalid
// settings, flags, config files, env variables, permissions). One class with many libraries'
// wordings, each beside the near miss (help text, app data, a peer's answer) it must not take.
import { describe, expect, it } from 'vitest';
import { top } from './support.js';

// A container's state in kubectl describe: waiting to restart after exiting with an error.
const crashing =
  '    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1';

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
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
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
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

  it('an application that says its configuration file is invalid is a start-up configuration error', () => {
    expect(
      top({
        'k8s.pod-logs':
          'Error: ✗ Datasource provisioning error: datasource.yaml config is invalid. Only one datasource per organization can be marked as default',
      }),
    ).toBe('crashloop-config-error');
  });

  it('a program refusing a secret or data file others may read is a start-up configuration error', () => {
    for (const line of [
      '{"Cookie file /var/lib/rabbitmq/.erlang.cookie must be accessible by owner only",',
      'FATAL:  data directory "/var/lib/postgresql/data" has invalid permissions',
      'FATAL:  private key file "server.key" has group or world access',
    ])
      expect(top({ 'k8s.pod-logs': line }), line).toBe('crashloop-config-error');
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

  it('an application\'s own "ENV Variable \'X\' must be provided" is a missing setting, as "environment variable X" is', () => {
    expect(
      top({
        'k8s.pod-logs': "2026-11-22 23:55:21,741 - ENV Variable 'SERVICE_API_KEY' must be provided",
        'k8s.pods':
          'NAME        READY   STATUS             RESTARTS       AGE\napi-0       0/1     CrashLoopBackOff   8 (2m ago)     20m',
      }),
    ).toBe('crashloop-config-error');
  });
});

// Held-out round 106: the configuration file's path is a directory.
describe('round 106: a configuration path that is a directory', () => {
  it.each([
    'lvl=eror msg="Server shutdown" logger=server reason="Service init failed: Datasource provisioning error: read /etc/grafana/provisioning/datasources/datasources.yaml: is a directory"',
    "IsADirectoryError: [Errno 21] Is a directory: '/app/config.yml'",
    'java.io.FileNotFoundException: /opt/app/conf/application.properties (Is a directory)',
    'nginx: [emerg] pread() "/etc/nginx/conf.d/default.conf" failed (21: Is a directory)',
  ])('%s is a configuration error', (line) => {
    expect(top({ 'k8s.pod-logs': line })).toBe('crashloop-config-error');
    expect(top({ 'docker.logs': line }, 'docker')).toBe('crashloop-config-error');
  });

  it('a data file or a directory the program walks is no configuration', () => {
    expect(top({ 'k8s.pod-logs': 'read /var/lib/app/blobs/0001.bin: is a directory' })).toBeNull();
    expect(
      top({ 'k8s.pod-logs': "IsADirectoryError: [Errno 21] Is a directory: '/data'" }),
    ).toBeNull();
  });
});

// Held-out round 110: a CNI agent whose node was allocated no pod CIDR.
describe('round 110: flannel on a node without a pod CIDR', () => {
  it("flannel's exit for want of the node's podCIDR is the cluster's configuration", () => {
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:38.016872       1 main.go:280] Error registering network: failed to acquire lease: node "worker-1" pod cidr not assigned',
      }),
    ).toBe('crashloop-config-error');
    // Logged before the incident's window, it proves nothing.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 22:10:38.016872       1 main.go:280] Error registering network: failed to acquire lease: node "worker-1" pod cidr not assigned',
      }),
    ).toBeNull();
  });

  it("a CNI agent that exits because the node lacks the bridge netfilter sysctls (br_netfilter not loaded) is the node's setup, a configuration error", () => {
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:38.016872       1 main.go:268] Failed to check br_netfilter: stat /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory',
      }),
    ).toBe('crashloop-config-error');
    // Another file missing under /proc/sys is no such finding.
    expect(
      top({
        'k8s.pod-logs':
          'E1122 23:58:38.016872       1 main.go:268] stat /proc/sys/net/ipv4/conf/all/rp_filter: permission denied',
      }),
    ).toBeNull();
  });
});

// Held-out round 120: the OpenTelemetry Collector's confmap refusing its configuration.
describe('round 120: a collector whose configuration names a removed component', () => {
  it("`cannot unmarshal the configuration` is the configuration failing to load; a client's JSON error about a response is not", () => {
    expect(
      top({
        'k8s.pod-logs':
          "Error: failed to get config: cannot unmarshal the configuration: decoding failed due to the following error(s): error decoding 'exporters': the logging exporter has been deprecated, use the debug exporter instead",
      }),
    ).toBe('crashloop-config-error');
    expect(
      top({
        'k8s.pod-logs':
          'level=warn msg="cannot unmarshal the response body" status=502 url=http://upstream.test/api',
      }),
    ).toBeNull();
  });
});
