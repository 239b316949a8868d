import { describe, expect, it } from 'vitest';
import { proxySetting } from '../../../../lambdas/core/classify/facts/proxy-setting.js';

const facts = (text: string) =>
  proxySetting.extract('net.proxy', text).map((f) => ({ ...f.fields }));

describe('proxy.setting', () => {
  it("reads a Kubernetes env list (the name on one line, its value on the next) as the container's", () => {
    expect(
      facts(
        'env:\n- name: https_proxy\n  value: http://proxy.corp.test:3128/\n- name: NO_PROXY\n  value: ""\n- name: LOG_LEVEL\n  value: debug',
      ),
    ).toEqual([
      {
        variable: 'https_proxy',
        value: 'http://proxy.corp.test:3128/',
        set: true,
        scope: 'container',
      },
      { variable: 'no_proxy', value: '', set: false, scope: 'container' },
    ]);
  });

  it("reads kubectl describe's Environment block as the container's; a comment may sit between an env list's name and value, a secret reference or block scalar shows none", () => {
    expect(
      facts(
        'Containers:\n  repo-server:\n    Environment:\n      HTTPS_PROXY:  http://proxy.corp.test:3128\n      LOG_LEVEL:    info\n    Mounts:\n      /tmp from tmp (rw)\nexport http_proxy=http://other.test:8080',
      ),
    ).toEqual([
      {
        variable: 'https_proxy',
        value: 'http://proxy.corp.test:3128',
        set: true,
        scope: 'container',
      },
      { variable: 'http_proxy', value: 'http://other.test:8080', set: true, scope: 'shell' },
    ]);
    expect(
      facts(
        '- name: HTTPS_PROXY\n  # the corporate proxy\n  value: http://proxy.corp.test:3128\n- name: HTTP_PROXY\n  valueFrom:\n    secretKeyRef: { name: proxy, key: url }\n- name: NO_PROXY\n  value: >-\n    10.0.0.0/8',
      ),
    ).toEqual([
      {
        variable: 'https_proxy',
        value: 'http://proxy.corp.test:3128',
        set: true,
        scope: 'container',
      },
    ]);
  });

  it("reads proxies exported in a shell as the shell's", () => {
    expect(
      facts('export http_proxy=http://abc.com:8080\nexport https_proxy=https://abc.com:8080'),
    ).toEqual([
      { variable: 'http_proxy', value: 'http://abc.com:8080', set: true, scope: 'shell' },
      { variable: 'https_proxy', value: 'https://abc.com:8080', set: true, scope: 'shell' },
    ]);
  });
  it("reads a systemd drop-in and `systemctl show` as the daemon's", () => {
    const text =
      '# systemctl show --property Environment docker\nEnvironment=HTTP_PROXY=http://192.168.42.174:1235/ HTTPS_PROXY=https://192.168.42.174:1235/';
    expect(facts(text).map((f) => [f.variable, f.scope])).toEqual([
      ['http_proxy', 'daemon'],
      ['https_proxy', 'daemon'],
    ]);
  });
  it("reads the collector's dockerd environment and docker info, empty values as unset", () => {
    const text =
      '# proxy variables of dockerd (credentials masked)\n(pid 812: none)\n# docker info proxy settings\nHTTPProxy= HTTPSProxy= NoProxy=';
    expect(facts(text).every((f) => f.scope === 'daemon' && f.set === false)).toBe(true);
    expect(facts(text)).toHaveLength(4);
  });
  it("reads Dockerfile ENV and pod env entries as the container's", () => {
    expect(facts('ENV HTTP_PROXY=http://proxy:8080/')[0]).toMatchObject({
      scope: 'container',
      set: true,
    });
  });
  it("reads systemd's DefaultEnvironment (every unit's) as the daemon's, /etc/environment (login sessions) as the shell's", () => {
    expect(
      facts(
        '$ cat /etc/systemd/system.conf\n[Manager]\nDefaultEnvironment="http_proxy=http://proxy.example.test:3128" "no_proxy=10.0.0.0/8"',
      ).map((f) => [f.variable, f.scope]),
    ).toEqual([
      ['http_proxy', 'daemon'],
      ['no_proxy', 'daemon'],
    ]);
    expect(
      facts('DefaultEnvironment="https_proxy=http://proxy.example.test:3128"')[0],
    ).toMatchObject({ scope: 'daemon', set: true });
    expect(
      facts('$ cat /etc/environment\nhttp_proxy=http://proxy.example.test:3128')[0],
    ).toMatchObject({ scope: 'shell', set: true });
  });
  it('skips a commented-out setting', () => {
    expect(facts('#Environment="HTTPS_PROXY=http://xxx:8080/"')).toEqual([]);
  });
});

describe("proxy.setting under the section's command", () => {
  const environ = 'HTTPS_PROXY=http://proxy.corp.test:3128\nNO_PROXY=169.254.169.254';
  const scopes = (command?: string) =>
    proxySetting.extract('net.proxy', environ, command).map((f) => f.fields.scope);

  it("a pasted dump of dockerd's environment is the daemon's; the same lines with no command, or under a shell's, are a shell's", () => {
    expect(scopes("sudo cat /proc/$(pidof dockerd)/environ | tr '\\0' '\\n'")).toEqual([
      'daemon',
      'daemon',
    ]);
    expect(scopes()).toEqual(['shell', 'shell']);
    expect(scopes('env | grep -i proxy')).toEqual(['shell', 'shell']);
  });

  it("a heading in the output still decides the lines under it: the command's context ends there", () => {
    const out = proxySetting.extract(
      'net.proxy',
      `${environ}\n$ env | grep -i proxy\nHTTPS_PROXY=http://other.corp.test:3128`,
      'sudo cat /proc/1234/environ',
    );
    expect(out.map((f) => f.fields.scope)).toEqual(['daemon', 'daemon', 'shell']);
  });
});
