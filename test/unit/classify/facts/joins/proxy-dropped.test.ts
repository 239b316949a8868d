import { describe, expect, it } from 'vitest';
import { proxyDropped } from '../../../../../lambdas/core/classify/facts/joins/proxy-dropped.js';
import { joined } from './join-input.js';

// The net.proxy section as the collectors print it: each daemon's environ, then its unit's lines.
const section = (kubeletEnviron: string, dropIn: string, containerdEnviron = '(pid 812: none)') =>
  [
    '# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)',
    kubeletEnviron,
    '# proxy lines of kubelet.service from systemctl cat, its unit file and drop-ins (credentials masked)',
    '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
    dropIn,
    '# proxy variables of containerd from /proc/<pid>/environ (credentials masked)',
    containerdEnviron,
    '# proxy lines of containerd.service from systemctl cat, its unit file and drop-ins (credentials masked)',
    '(no unit containerd.service)',
  ].join('\n');

const UNESCAPED = 'Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128"';
const ESCAPED = 'Environment="HTTPS_PROXY=http://****%%****@proxy.test:3128"';

describe('proxy.dropped (a unit proxy value systemd drops, joined with what the same daemon got)', () => {
  it("joins the kubelet drop-in's unescaped % with the kubelet running without a proxy", () => {
    expect(joined(proxyDropped, { 'net.proxy': section('(pid 3321: none)', UNESCAPED) })).toEqual([
      { daemon: 'kubelet', variable: 'https_proxy' },
    ]);
  });

  it('pairs by daemon: the kubelet holds the proxy (from elsewhere), only containerd shows none', () => {
    expect(
      joined(proxyDropped, {
        'net.proxy': section('HTTPS_PROXY=http://****@proxy.test:3128', UNESCAPED),
      }),
    ).toEqual([]);
  });

  it('negative: %% is the escaped form; a daemon not running shows nothing dropped', () => {
    expect(joined(proxyDropped, { 'net.proxy': section('(pid 3321: none)', ESCAPED) })).toEqual([]);
    expect(
      joined(proxyDropped, { 'net.proxy': section('(no kubelet process)', UNESCAPED) }),
    ).toEqual([]);
  });

  it('joins a pasted drop-in with `systemctl show` of the same unit printing Environment= empty; docker.service is dockerd', () => {
    const pasted = [
      '# cat /etc/systemd/system/docker.service.d/http-proxy.conf',
      '[Service]',
      "Environment='HTTPS_PROXY=http://sa:p%5Fword@proxy.test:3128/'",
      '# systemctl show --property=Environment docker',
      'Environment=',
    ].join('\n');
    expect(joined(proxyDropped, { 'net.proxy': pasted })).toEqual([
      { daemon: 'dockerd', variable: 'https_proxy' },
    ]);
    const environ = [
      '# proxy lines of docker.service from systemctl cat, its unit file and drop-ins (credentials masked)',
      "Environment='HTTPS_PROXY=http://****%5****@proxy.test:3128/'",
      '# proxy variables of dockerd from /proc/<pid>/environ (credentials masked)',
      '(pid 901: none)',
    ].join('\n');
    expect(joined(proxyDropped, { 'net.proxy': environ })).toEqual([
      { daemon: 'dockerd', variable: 'https_proxy' },
    ]);
    // Another unit's empty environment says nothing about docker's.
    expect(
      joined(proxyDropped, {
        'net.proxy': pasted.replace(
          '--property=Environment docker',
          '--property=Environment containerd',
        ),
      }),
    ).toEqual([]);
  });

  it('`systemctl show` printing the value is what systemd kept: nothing was dropped', () => {
    const kept = [
      '# cat /etc/systemd/system/docker.service.d/http-proxy.conf',
      "Environment='HTTPS_PROXY=http://sa:p%5Fword@proxy.test:3128/'",
      '# proxy variables of dockerd from /proc/<pid>/environ (credentials masked)',
      '(pid 901: none)',
      '$ systemctl show docker --property=Environment',
      'Environment=HTTPS_PROXY=http://sa:p%5Fword@proxy.test:3128/',
    ].join('\n');
    // The environ (no proxy) and systemd's reading (the proxy kept) disagree: a restart pending,
    // not a dropped value.
    expect(joined(proxyDropped, { 'net.proxy': kept })).toEqual([]);
  });

  it("near miss: an empty Environment= in a unit file (it resets the list) is no daemon's environment", () => {
    const unitFile = [
      '$ systemctl cat docker',
      '# /etc/systemd/system/docker.service.d/http-proxy.conf',
      '[Service]',
      "Environment='HTTPS_PROXY=http://sa:p%5Fword@proxy.test:3128/'",
      'Environment=',
    ].join('\n');
    expect(joined(proxyDropped, { 'net.proxy': unitFile })).toEqual([]);
  });

  it('near miss: a log line naming another unit or /proc/ under a heading keeps its daemon', () => {
    const pasted = [
      '# cat /etc/systemd/system/docker.service.d/http-proxy.conf',
      "Environment='HTTPS_PROXY=http://sa:p%5Fword@proxy.test:3128/'",
      '# systemctl show --property=Environment docker',
      'Dec 28 16:36:20 host systemd[1]: containerd.service: reading /proc/1/environ',
      'Environment=',
    ].join('\n');
    expect(joined(proxyDropped, { 'net.proxy': pasted })).toEqual([
      { daemon: 'dockerd', variable: 'https_proxy' },
    ]);
  });
});
