import { describe, expect, it } from 'vitest';
import {
  assignmentsOf,
  type Daemon,
  daemonProxyEnvironments,
} from '../../../../../lambdas/core/classify/facts/joins/daemon-proxy-environment.js';
import { joinInput } from './join-input.js';

describe('the proxy assignments of a settings line, each value read whole', () => {
  it.each([
    [
      'an environ line to its end',
      'NO_PROXY=localhost, 10.0.0.0/8',
      [['no:U', 'localhost, 10.0.0.0/8']],
    ],
    ['a leading comma', 'no_proxy=,10.0.0.0/8', [['no:l', ',10.0.0.0/8']]],
    ['docker info', ' No Proxy: localhost, .corp', [['no:U', 'localhost, .corp']]],
    [
      'daemon.json, to each closing quote',
      '{"proxies": {"https-proxy": "http://p:3128", "no-proxy": "localhost, .corp"}}',
      [
        ['https:U', 'http://p:3128'],
        ['no:U', 'localhost, .corp'],
      ],
    ],
    [
      'an empty value is never the next variable',
      'HTTPProxy= HTTPSProxy=http://p:3128',
      [
        ['http:U', ''],
        ['https:U', 'http://p:3128'],
      ],
    ],
    [
      'a quoted systemd word keeps its spaces',
      'Environment="NO_PROXY=localhost, 10.0.0.0/8" HTTPS_PROXY=http://p:3128',
      [
        ['no:U', 'localhost, 10.0.0.0/8'],
        ['https:U', 'http://p:3128'],
      ],
    ],
    // systemd splits an unquoted value at whitespace: the daemon gets `localhost,` only.
    [
      'an unquoted systemd word ends at whitespace, as systemd reads it',
      'Environment=NO_PROXY=localhost, 10.0.0.0/8',
      [['no:U', 'localhost,']],
    ],
    [
      'Go reads neither a mixed-case name nor ALL_PROXY',
      'Https_Proxy=http://a:1 ALL_PROXY=http://b:2',
      [],
    ],
  ])('%s', (_name, line, want) => {
    expect(assignmentsOf(line).map((a) => [a.slot, a.value])).toEqual(want);
  });
});

describe("whose environment a settings line is: the heading it sits under (settings-heading's answer)", () => {
  const environmentsOf = (netProxy: string) => {
    const input = joinInput({ 'net.proxy': netProxy });
    const of = daemonProxyEnvironments(input.facts('proxy.setting'), input.allSections);
    return (daemon: Daemon) => {
      const env = of(daemon);
      return env && { http: env.http, https: env.https, no: env.no };
    };
  };

  it("near miss: an environ value naming a Consul `.service` host stays the kubelet's running environment", () => {
    const of = environmentsOf(
      [
        '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
        'HTTPS_PROXY=http://squid.service.consul:3128',
        'NO_PROXY=localhost',
        '# proxy lines of kubelet.service from systemctl cat, its unit file and drop-ins (credentials masked)',
        'Environment="HTTPS_PROXY=http://proxy.unit:3128"',
      ].join('\n'),
    );
    expect(of('kubelet')).toEqual({
      http: '',
      https: 'http://squid.service.consul:3128',
      no: 'localhost',
    });
    expect(of('containerd')).toBeNull();
  });

  it("`systemctl show` ranks with the unit's lines, over DefaultEnvironment, under the environ", () => {
    const shown = [
      '# proxy variables of the systemd manager from systemctl show --property=DefaultEnvironment: every unit inherits them (credentials masked)',
      'DefaultEnvironment="HTTP_PROXY=http://proxy.default:3128" "HTTPS_PROXY=http://proxy.default:3128"',
      '$ systemctl show containerd --property=Environment',
      'Environment=HTTPS_PROXY=http://proxy.loaded:3128',
    ].join('\n');
    expect(environmentsOf(shown)('containerd')).toEqual({
      http: 'http://proxy.default:3128',
      https: 'http://proxy.loaded:3128',
      no: '',
    });
    const running = `${shown}\n# proxy variables of containerd from /proc/<pid>/environ (credentials masked)\nHTTPS_PROXY=http://proxy.live:3128`;
    expect(environmentsOf(running)('containerd')).toEqual({
      http: '',
      https: 'http://proxy.live:3128',
      no: '',
    });
  });

  it('names a daemon beyond the three by its unit, never lending its settings to them', () => {
    const of = environmentsOf(
      '# /etc/systemd/system/crio.service.d/proxy.conf\nEnvironment="HTTPS_PROXY=http://proxy.crio:3128"',
    );
    expect(of('containerd')).toBeNull();
    expect(of('dockerd')).toBeNull();
  });
});
