import { describe, expect, it } from 'vitest';
import { diskEviction } from '../../../../../lambdas/core/classify/facts/joins/disk-eviction.js';
import { joined } from './join-input.js';

const KUBEADM = (map: string) => `evictionHard:\n${map}\nevictionPressureTransitionPeriod: 5m0s`;
const KUBEADM_DEFAULTS = [
  '  imagefs.available: 15%',
  '  memory.available: 100Mi',
  '  nodefs.available: 10%',
  '  nodefs.inodesFree: 5%',
].join('\n');
/** df -h of a host whose root holds everything, with `avail` of 20G free. */
const DF_H = (avail: string, use: string) =>
  [
    'Filesystem      Size  Used Avail Use% Mounted on',
    'udev             32G     0   32G   0% /dev',
    'tmpfs           6.3G  1.2G  5.2G  18% /run',
    `/dev/sda2         20G   16G  ${avail}  ${use} /`,
    '/dev/sdb1        1.8T  377G  1.4T  22% /home',
    `overlay          20G   16G  ${avail}  ${use} /var/lib/docker/overlay2/27f50/merged`,
  ].join('\n');

describe('disk.eviction (df joined with the kubelet eviction thresholds)', () => {
  it("a root filesystem below imagefs.available 15% holds docker's store: one imagefs fact", () => {
    expect(
      joined(diskEviction, {
        'kubelet.config': KUBEADM(KUBEADM_DEFAULTS),
        'disk.df': DF_H('2.9G', '85%'),
      }),
    ).toEqual([
      {
        signal: 'imagefs.available',
        fs: 'imagefs',
        eviction: 'hard',
        threshold: '15%',
        path: '/var/lib/docker',
        mount: '/',
        filesystem: '/dev/sda2',
        availablePercent: 14.5,
        usePercent: 85,
      },
    ]);
  });

  it('near miss: free space above every threshold is no fact; below nodefs 10% is two', () => {
    const config = { 'kubelet.config': KUBEADM(KUBEADM_DEFAULTS) };
    expect(joined(diskEviction, { ...config, 'disk.df': DF_H('3.5G', '83%') })).toEqual([]);
    expect(
      joined(diskEviction, { ...config, 'disk.df': DF_H('1.5G', '93%') }).map((f) => f.signal),
    ).toEqual(['imagefs.available', 'nodefs.available']);
  });

  it('no kubelet configuration shown is no fact, however low the disk', () => {
    expect(joined(diskEviction, { 'disk.df': DF_H('0.5G', '98%') })).toEqual([]);
    expect(
      joined(diskEviction, {
        'kubelet.config': '# /etc/kubernetes/kubelet/kubelet-config.json: absent',
        'disk.df': DF_H('0.5G', '98%'),
      }),
    ).toEqual([]);
  });

  it("a configuration naming no evictionHard runs with the kubelet's defaults; one naming only memory has none for disks", () => {
    const eks =
      '{\n  "kind": "KubeletConfiguration",\n  "apiVersion": "kubelet.config.k8s.io/v1beta1",\n  "clusterDomain": "cluster.local"\n}';
    expect(joined(diskEviction, { 'kubelet.config': eks, 'disk.df': DF_H('2.9G', '85%') })).toEqual(
      [
        expect.objectContaining({
          signal: 'imagefs.available',
          eviction: 'default',
          threshold: '15%',
        }),
      ],
    );
    // kubelet replaces its whole default map with the one it is given.
    const memoryOnly = eks.replace(
      '"clusterDomain"',
      '"evictionHard": {\n    "memory.available": "100Mi"\n  },\n  "clusterDomain"',
    );
    expect(
      joined(diskEviction, { 'kubelet.config': memoryOnly, 'disk.df': DF_H('1.0G', '95%') }),
    ).toEqual([]);
  });

  it('absolute quantities compare with df -P blocks (1K-blocks) and df -h sizes in powers of 1024', () => {
    const config = {
      'kubelet.config':
        '{"kind":"KubeletConfiguration","evictionHard":{"memory.available":"100Mi","nodefs.available":"2Gi"},"evictionSoft":{"nodefs.available":"4Gi"},"evictionSoftGracePeriod":{"nodefs.available":"1m"}}',
    };
    const dfP = (availKb: number) =>
      `Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/nvme0n1p1    83873772 80000000 ${availKb} 96% /`;
    // 3 GiB free: under the soft 4Gi, above the hard 2Gi.
    expect(joined(diskEviction, { ...config, 'disk.df': dfP(3 * 1024 ** 2) })).toEqual([
      expect.objectContaining({ signal: 'nodefs.available', eviction: 'soft', threshold: '4Gi' }),
    ]);
    expect(joined(diskEviction, { ...config, 'disk.df': dfP(5 * 1024 ** 2) })).toEqual([]);
    // df -h's 1.9G is GiB: below 2Gi.
    expect(
      joined(diskEviction, { ...config, 'disk.df': DF_H('1.9G', '91%') }).map((f) => f.eviction),
    ).toEqual(['hard', 'soft']);
    // A decimal comma (de_DE) reads the same.
    expect(
      joined(diskEviction, { ...config, 'disk.df': DF_H('1,9G', '91%') }).map((f) => f.eviction),
    ).toEqual(['hard', 'soft']);
  });

  it('maps each path to the longest mount point holding it; unrelated full mounts are no fact', () => {
    const df = (containerd: string) =>
      [
        'Filesystem     1K-blocks     Used Available Use% Mounted on',
        '/dev/nvme0n1p1  20959212  8000000  12959212  39% /',
        `/dev/nvme1n1   104806400 90000000  ${containerd}  86% /var/lib/containerd`,
        '/dev/nvme2n1   104806400 104000000    806400 100% /data',
        'tmpfs            8000000        0   8000000   0% /var/lib/kubelet/pods/x/volumes/kubernetes.io~secret/t',
      ].join('\n');
    const config = { 'kubelet.config': KUBEADM(KUBEADM_DEFAULTS) };
    expect(joined(diskEviction, { ...config, 'disk.df': df('10000000') })).toEqual([
      expect.objectContaining({
        signal: 'imagefs.available',
        path: '/var/lib/containerd',
        mount: '/var/lib/containerd',
        availablePercent: 9.5,
      }),
    ]);
    // 20% free on the containerd disk; /data at 100% is nobody's nodefs or imagefs.
    expect(joined(diskEviction, { ...config, 'disk.df': df('20961280') })).toEqual([]);
  });

  it('free inodes below nodefs.inodesFree, from df -i, with the --eviction-hard flag', () => {
    const flags = {
      'host.services':
        'kubelet[912]: I1203 FLAG: --eviction-hard="imagefs.available<15%,memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%"',
    };
    const dfi = (free: number) =>
      `Filesystem      Inodes   IUsed  IFree IUse% Mounted on\n/dev/xvda1     1310720 ${1310720 - free} ${free}   97% /`;
    expect(joined(diskEviction, { ...flags, 'disk.inodes': dfi(52428) })).toEqual([
      expect.objectContaining({
        signal: 'nodefs.inodesFree',
        threshold: '5%',
        availablePercent: 4,
      }),
    ]);
    expect(joined(diskEviction, { ...flags, 'disk.inodes': dfi(131072) })).toEqual([]);
  });

  it("the config file's threshold wins over the flag defaults the kubelet's log prints", () => {
    const sections = {
      'kubelet.journal':
        'kubelet[912]: I1203 flags.go:64] FLAG: --eviction-hard="imagefs.available<15%,memory.available<100Mi,nodefs.available<10%"',
      'kubelet.config': KUBEADM('  nodefs.available: 5%\n  imagefs.available: 5%'),
    };
    // 8% free: under the flag defaults, above the file's 5%.
    expect(joined(diskEviction, { ...sections, 'disk.df': DF_H('1.6G', '92%') })).toEqual([]);
    expect(
      joined(diskEviction, { ...sections, 'disk.df': DF_H('0.9G', '95%') }).map((f) => f.threshold),
    ).toEqual(['5%', '5%']);
  });
});
