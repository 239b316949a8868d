import { describe, expect, it } from 'vitest';
import { interleavedBest } from '../../../../../bench/adversarial.js';
import type { FactJoin } from '../../../../../lambdas/core/classify/facts/joins/fact-join.js';
import { diskEviction } from '../../../../../lambdas/core/classify/facts/joins/disk-eviction.js';
import { ingressBackend } from '../../../../../lambdas/core/classify/facts/joins/ingress-backend.js';
import { portPublished } from '../../../../../lambdas/core/classify/facts/joins/port-published.js';
import { proxyDial } from '../../../../../lambdas/core/classify/facts/joins/proxy-dial.js';
import { proxyRouted } from '../../../../../lambdas/core/classify/facts/joins/proxy-routed.js';
import { proxyDropped } from '../../../../../lambdas/core/classify/facts/joins/proxy-dropped.js';
import { serviceSelection } from '../../../../../lambdas/core/classify/facts/joins/service-selection.js';
import { joinInput } from './join-input.js';

/** `unit` repeated into 16 KB lines, `kib` KiB in all. */
const lines = (unit: string, kib: number) => {
  const line = unit.repeat(Math.ceil(16_384 / unit.length)).slice(0, 16_000);
  return Array.from({ length: Math.ceil((kib * 1024) / line.length) }, () => line).join('\n');
};

// Each join on 4x the hostile text must cost about 4x (CPU time, best of several interleaved runs):
// a quadratic scan would cost 16x.
const HOSTILE: [string, FactJoin, (kib: number) => Record<string, string>][] = [
  [
    'port.published: arrows, announcements and headings',
    portPublished,
    (kib) => ({
      'docker.ps': `PORTS   NAMES\n${lines('1:1->', kib)}\n${lines('0.0.0.0:80->80/tcp, ', kib / 4)}`,
      'docker.logs': lines('listening on on on ', kib),
      'net.sockets': `# netns container=x pid=1\n${lines('] ', kib / 4)}x`,
    }),
  ],
  [
    'proxy.dial: the proxy named all along a failing line',
    proxyDial,
    (kib) => ({
      'net.proxy': 'ENV HTTPS_PROXY=http://p:1/',
      'k8s.pod-logs': `${lines('(p:1) ', kib)} connection refused\n${lines('xp:1 ', kib)}`,
    }),
  ],
  [
    'proxy.routed: a huge NO_PROXY (CIDRs, domains, ports) and many failing requests for distinct hosts',
    proxyRouted,
    (kib) => {
      const entries = Array.from({ length: kib * 40 }, (_, i) =>
        i % 3 === 0
          ? `10.${i % 250}.${i % 199}.0/24`
          : i % 3 === 1
            ? `.d${i}.corp`
            : `h${i}.corp:${i}`,
      );
      // Hosts NO_PROXY covers (deep names, each a suffix walk) until the decisions' bound, then
      // addresses no CIDR covers: nothing here may cost the entries' count per line.
      const requests = Array.from({ length: kib * 12 }, (_, i) =>
        i % 4 === 3
          ? `Get "https://172.${16 + (i % 16)}.${i % 250}.${i % 251}/api": Service Unavailable`
          : `Post "https://${'a.'.repeat(100)}x${i}.d${1 + 3 * (i % (kib * 13))}.corp/v2/": Forbidden`,
      );
      return {
        'net.proxy': `# proxy variables of kubelet from /proc/<pid>/environ\nHTTPS_PROXY=http://10.0.0.5:3128\nNO_PROXY=${entries.join(',')}`,
        'kubelet.journal': `${requests.join('\n')}\n${lines('Get "https://x/": ', kib)}`,
      };
    },
  ],
  [
    'proxy.dropped: headings naming units, unit lines full of % values',
    proxyDropped,
    (kib) => ({
      'net.proxy': `# ${lines('a-b@c-', kib / 4)}.servic\n# ${lines('systemctl show -x ', kib / 4)}\nEnvironment=${lines('https_proxy=%%%%%%%%%4 ', kib / 4)}\n${lines('Environment=https_proxy=%4\n', kib / 4)}`,
    }),
  ],
  [
    'proxy.routed: long headings naming units and commands, a heading before every setting',
    proxyRouted,
    (kib) => ({
      'net.proxy': `# ${lines('a-b@c-', kib / 4)}.servic\n$ ${lines('systemctl show -p x ', kib / 4)}\n${lines('# /etc/systemd/system/kubelet.service.d/p.conf\nEnvironment=HTTPS_PROXY=http://10.0.0.5:3128\n', kib / 4)}`,
      'kubelet.journal': lines('Get "https://10.1.2.3/api": Forbidden\n', kib / 4),
    }),
  ],
  [
    'service.selection: upstream names, label continuations and YAML values',
    serviceSelection,
    (kib) => ({
      'k8s.services': `Name: s\nNamespace: n\nLabels: app=s\n  ${lines('a=', kib / 4)} x\nSelector: app=t\nPort: http 80/TCP\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${lines('v ', kib / 4)}x`,
      'k8s.pod-logs': lines('[n-s-80][n-s-http] ', kib),
    }),
  ],
  [
    'ingress.backend: listing headers, rows of one long name and backend values',
    ingressBackend,
    (kib) => ({
      'k8s.services': `NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S)\n${lines('a ClusterIP ', kib / 2)}\n${lines('NAME ', kib / 4)}`,
      'k8s.ingress': `backend:\n  service:\n${lines('    name: x', kib / 4)}`,
    }),
  ],
  [
    'disk.eviction: map keys without braces, entries, flags and df rows of many mounts',
    diskEviction,
    (kib) => ({
      // One long minified line (maps that never close) besides 16 KB lines of entries and flags.
      'kubelet.config': `kind: KubeletConfiguration\n${'"evictionHard":{"nodefs.available":"1%",'.repeat(kib * 12)}\nevictionSoft:\n${lines('  nodefs.available: 99% ', kib / 4)}\n${lines('--eviction-hard=nodefs.inodesFree<1%,', kib / 4)}`,
      'disk.df': `Filesystem 1K-blocks Used Available Use% Mounted on\n${Array.from({ length: kib * 16 }, (_, i) => `/dev/sd${i} 100 99 1 99% /var/lib/m${i}`).join('\n')}`,
    }),
  ],
];

describe('joins cost linear time on hostile evidence', () => {
  for (const [name, join, sections] of HOSTILE) {
    it(name, () => {
      const small = joinInput(sections(64));
      const large = joinInput(sections(256));
      const [short, long] = interleavedBest([() => join.join(small), () => join.join(large)], 5);
      expect(long! / Math.max(short!, 0.5)).toBeLessThan(9);
    });
  }
});
