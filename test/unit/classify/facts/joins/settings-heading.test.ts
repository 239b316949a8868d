import { describe, expect, it } from 'vitest';
import {
  forEachUnderHeading,
  settingsHeading,
} from '../../../../../lambdas/core/classify/facts/joins/settings-heading.js';

describe('the heading above proxy settings: whose they are and what they show', () => {
  it.each([
    [
      "the collector's environ",
      '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
      { daemon: 'kubelet', shows: 'running' },
    ],
    [
      "the collector's environ of dockerd",
      '# proxy variables of dockerd from /proc/<pid>/environ (credentials masked)',
      { daemon: 'dockerd', shows: 'running' },
    ],
    [
      'a pasted environ by pidof',
      "$ sudo cat /proc/$(pidof crio)/environ | tr '\\0' '\\n'",
      { daemon: 'crio', shows: 'running' },
    ],
    [
      'a pasted environ by pgrep',
      '➜ cat /proc/$(pgrep -x containerd)/environ',
      { daemon: 'containerd', shows: 'running' },
    ],
    [
      'docker info (the daemon says what it uses)',
      '# docker info proxy settings',
      { daemon: 'dockerd', shows: 'running' },
    ],
    [
      'an environ of a pid no name goes with',
      '$ cat /proc/4242/environ',
      { daemon: null, shows: 'running' },
    ],
    [
      "the collector's unit lines: docker.service is dockerd's",
      '# proxy lines of docker.service from systemctl cat, its unit file and drop-ins (credentials masked)',
      { daemon: 'dockerd', shows: 'configured' },
    ],
    [
      "a drop-in's path",
      '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
      { daemon: 'kubelet', shows: 'configured' },
    ],
    [
      'a unit beyond the three daemons',
      '# /etc/systemd/system/crio.service.d/proxy.conf',
      { daemon: 'crio', shows: 'configured' },
    ],
    [
      'an instance unit',
      '$ systemctl cat getty@tty1',
      { daemon: 'getty@tty1', shows: 'configured' },
    ],
    [
      'a bare command pasted without a prompt',
      'sudo systemctl cat containerd',
      { daemon: 'containerd', shows: 'configured' },
    ],
    [
      "daemon.json is dockerd's",
      '$ cat /etc/docker/daemon.json',
      { daemon: 'dockerd', shows: 'configured' },
    ],
    ['daemon.json alone', '# daemon.json', { daemon: 'dockerd', shows: 'configured' }],
    [
      'systemctl show: the unit as systemd loaded it',
      '# systemctl show --property=Environment docker',
      { daemon: 'dockerd', shows: 'loaded' },
    ],
    [
      "systemctl show: -p's value is no unit",
      '# systemctl show --property Environment docker',
      { daemon: 'dockerd', shows: 'loaded' },
    ],
    [
      'systemctl show: the unit before the options',
      '$ systemctl show containerd -p Environment',
      { daemon: 'containerd', shows: 'loaded' },
    ],
    [
      "the collector's manager heading names no daemon",
      '# proxy variables of the systemd manager from systemctl show --property=DefaultEnvironment: every unit inherits them (credentials masked)',
      { daemon: null, shows: 'manager' },
    ],
    [
      'a pasted manager query',
      '$ systemctl show --property=DefaultEnvironment --no-pager',
      { daemon: null, shows: 'manager' },
    ],
    ['system.conf', '# cat /etc/systemd/system.conf', { daemon: null, shows: 'manager' }],
    [
      'a system.conf.d drop-in',
      '$ cat /etc/systemd/system.conf.d/01-proxy-environment.conf',
      { daemon: null, shows: 'manager' },
    ],
    [
      "the manager's environment block",
      '$ systemctl show-environment',
      { daemon: null, shows: 'manager' },
    ],
    [
      'a user@host prompt',
      'ubuntu@ip-10-0-1-5:~$ systemctl cat kubelet',
      { daemon: 'kubelet', shows: 'configured' },
    ],
    ['a heading naming nothing', '# ~/.curlrc', { daemon: null, shows: 'configured' }],
    [
      'a commented-out setting opens a block of no one',
      '#Environment="HTTPS_PROXY=http://xxx:8080/"',
      { daemon: null, shows: 'configured' },
    ],
  ])('%s', (_name, line, want) => {
    expect(settingsHeading(line)).toEqual(want);
  });

  it.each([
    ['an environ value naming a Consul host', 'HTTPS_PROXY=http://squid.service.consul:3128'],
    ['a unit line', 'Environment="HTTPS_PROXY=http://p:3128"'],
    ['DefaultEnvironment', 'DefaultEnvironment="HTTPS_PROXY=http://p:3128"'],
    [
      'a journal line naming a unit',
      'Dec 28 16:36:20 host systemd[1]: docker.service: Main process exited, code=exited',
    ],
    ['a log line naming /proc/', 'kubelet[3321]: E1203 failed to read /proc/1/environ'],
    ["systemctl status's lines", '   Loaded: loaded (/lib/systemd/system/docker.service; enabled)'],
    [
      'prose',
      'earlier i have set docker proxy in file /etc/systemd/system/docker.service.d/https-proxy.conf',
    ],
    ['an environ line', 'NO_PROXY=localhost,.svc'],
    ['a pid with none', '(pid 3321: none)'],
  ])('near miss, no heading: %s', (_name, line) => {
    expect(settingsHeading(line)).toBeNull();
  });

  it('reads the first 512 characters of a heading: a name past them is not read', () => {
    expect(settingsHeading(`# ${'x '.repeat(300)}kubelet.service`)).toEqual({
      daemon: null,
      shows: 'configured',
    });
    expect(settingsHeading(`# ${'a-b@c-'.repeat(20_000)}.servic`)).toEqual({
      daemon: null,
      shows: 'configured',
    });
  });

  it('reads a systemctl command word by word: options that may take a value cost linear time', () => {
    // `-p -p -p …` with no unit after them: a regex whose option value is optional tried
    // exponentially many parses here (38 options took 36 s).
    const start = process.cpuUsage();
    expect(settingsHeading(`# systemctl show ${'-p '.repeat(170)}!`)).toEqual({
      daemon: null,
      shows: 'loaded',
    });
    expect(process.cpuUsage(start).user / 1000).toBeLessThan(200);
    expect(
      settingsHeading('$ sudo /usr/bin/systemctl show -p Environment --no-pager crio'),
    ).toEqual({
      daemon: 'crio',
      shows: 'loaded',
    });
    expect(settingsHeading('# `systemctl cat containerd`')).toEqual({
      daemon: 'containerd',
      shows: 'configured',
    });
  });
});

describe('each line with the heading it sits under', () => {
  it('keeps a heading until the next, and a log line in between opens none', () => {
    const seen: [string, string | null, string | undefined, boolean][] = [];
    forEachUnderHeading(
      {
        output: [
          'NO_PROXY=localhost',
          '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
          'HTTPS_PROXY=http://squid.service.consul:3128',
          'kubelet[3321]: containerd.service restarted, read /proc/1/environ',
          '# /etc/systemd/system/containerd.service.d/proxy.conf',
          'Environment="HTTPS_PROXY=http://p:3128"',
        ].join('\n'),
      },
      (line, _lineNo, heading, opens) => {
        seen.push([line.slice(0, 12), heading?.daemon ?? null, heading?.shows, opens]);
      },
    );
    expect(seen).toEqual([
      ['NO_PROXY=loc', null, undefined, false],
      ['# proxy vari', 'kubelet', 'running', true],
      ['HTTPS_PROXY=', 'kubelet', 'running', false],
      ['kubelet[3321', 'kubelet', 'running', false],
      ['# /etc/syste', 'containerd', 'configured', true],
      ['Environment=', 'containerd', 'configured', false],
    ]);
  });

  it("puts the lines above the first heading under the section's command when it reads as one", () => {
    const seen = (command: string) => {
      const out: [string | null, string | undefined][] = [];
      forEachUnderHeading(
        { output: 'Environment=NO_PROXY=localhost\n# /etc/docker/daemon.json\n{}', command },
        (_line, _lineNo, heading) => {
          out.push([heading?.daemon ?? null, heading?.shows]);
        },
      );
      return out;
    };
    // A pasted report's command printed the lines.
    expect(seen('sudo systemctl show --property Environment docker')).toEqual([
      ['dockerd', 'loaded'],
      ['dockerd', 'configured'],
      ['dockerd', 'configured'],
    ]);
    // The collectors' commands describe their sections: no heading above the first.
    expect(
      seen(
        'proxy environment of dockerd (/proc/PID/environ), its unit proxy lines (systemctl cat) and DefaultEnvironment; docker info',
      )[0],
    ).toEqual([null, undefined]);
  });

  it('stops when the visitor returns false', () => {
    let visited = 0;
    forEachUnderHeading({ output: '# a\nb\nc' }, () => {
      visited++;
      return visited < 2;
    });
    expect(visited).toBe(2);
  });
});
