import { describe, expect, it } from 'vitest';
import { assignmentsOf } from '../../../../../lambdas/core/classify/facts/joins/daemon-proxy-environment.js';

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
