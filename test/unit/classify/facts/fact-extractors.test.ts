import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACT_EXTRACTORS } from '../../../../lambdas/core/classify/facts/index.js';
import { parseSize } from '../../../../lambdas/core/classify/facts/fact.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/collectors');
const extract = (kind: keyof typeof FACT_EXTRACTORS, text: string, section = 's') =>
  FACT_EXTRACTORS[kind].extract(section, text).map((f) => ({ line: f.line, ...f.fields }));

describe('disk.usage (df)', () => {
  it('parses df -P rows with use percent and mount', () => {
    const facts = extract(
      'disk.usage',
      'Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/xvda1      20959212 20959212         0 100% /\ntmpfs 100 0 100 0% /dev/shm',
    );
    expect(facts).toEqual([
      expect.objectContaining({
        line: 2,
        filesystem: '/dev/xvda1',
        mount: '/',
        usePercent: 100,
        type: 'blocks',
      }),
      expect.objectContaining({ line: 3, filesystem: 'tmpfs', mount: '/dev/shm', usePercent: 0 }),
    ]);
  });
  it("keeps each row's size as printed and what a bare number counts (the header's blocks)", () => {
    const rows = (header: string, row: string) => extract('disk.usage', `${header}\n${row}`)[0];
    expect(
      rows(
        'Filesystem 1024-blocks Used Available Capacity Mounted on',
        '/dev/sda1 2000 1500 500 75% /',
      ),
    ).toMatchObject({ size: '2000', avail: '500', blockBytes: 1024 });
    expect(
      rows(
        'Filesystem 512-blocks Used Available Capacity Mounted on',
        '/dev/sda1 2000 1500 500 75% /',
      ),
    ).toMatchObject({ blockBytes: 512 });
    expect(
      rows('Filesystem Size Used Avail Use% Mounted on', '/dev/md3 20G 16G 2.9G 85% /'),
    ).toMatchObject({ size: '20G', avail: '2.9G', blockBytes: null });
    expect(
      rows('Filesystem Inodes IUsed IFree IUse% Mounted on', '/dev/sda1 100 97 3 97% /'),
    ).toMatchObject({ size: '100', avail: '3', blockBytes: 1 });
  });
  it('marks df -i output as inodes', () => {
    expect(
      extract(
        'disk.usage',
        'Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sda1 10 10 0 100% /',
      )[0],
    ).toMatchObject({ type: 'inodes', usePercent: 100 });
  });
  it('joins a device name that df wrapped onto its own line', () => {
    const facts = extract(
      'disk.usage',
      'Filesystem Size Used Avail Use% Mounted on\n/dev/mapper/very--long--volume--name\n  28G 27G 1.0G 97% /var/lib/docker',
    );
    expect(facts[0]).toMatchObject({
      filesystem: '/dev/mapper/very--long--volume--name',
      mount: '/var/lib/docker',
      usePercent: 97,
    });
  });
});

describe('net.listener (ss, netstat)', () => {
  it('reads ss -tlnp rows and the namespace heading above them', () => {
    const text =
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 4096 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\n# netns container=web pid=4242\nLISTEN 0 511 127.0.0.1:8080 0.0.0.0:* users:(("nginx",pid=4242,fd=6))\nLISTEN 0 511 [::1]:9090 [::]:*';
    expect(extract('net.listener', text)).toEqual([
      expect.objectContaining({ address: '0.0.0.0', port: 22, scope: 'host' }),
      expect.objectContaining({
        address: '127.0.0.1',
        port: 8080,
        scope: 'netns container=web pid=4242',
      }),
      expect.objectContaining({ address: '::1', port: 9090 }),
    ]);
  });
  it('reads netstat -tlnp rows', () => {
    expect(
      extract('net.listener', 'tcp 0 0 0.0.0.0:5432 0.0.0.0:* LISTEN 812/postgres')[0],
    ).toMatchObject({ address: '0.0.0.0', port: 5432, process: '812/postgres' });
  });
});

describe('net.interface (ip addr)', () => {
  it('counts inet and inet6 lines per interface', () => {
    const text =
      '3: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default\n    link/ether 02:42:e2:b4:3a:c1 brd ff:ff:ff:ff:ff:ff\n    inet6 fe80::1/64 scope link\n4: eth0@if5: <BROADCAST,UP,LOWER_UP> mtu 1500 state UP\n    inet 10.0.0.2/24 scope global eth0';
    expect(extract('net.interface', text)).toEqual([
      expect.objectContaining({ name: 'docker0', ipv4: 0, ipv6: 1, up: true, state: 'DOWN' }),
      expect.objectContaining({ name: 'eth0', ipv4: 1, ipv6: 0 }),
    ]);
  });
  it('reads ip -br addr rows: the state column, then every address', () => {
    const text = [
      'lo               UNKNOWN        127.0.0.1/8 ::1/128 ',
      'eth0@if12        UP             10.0.0.5/24 fe80::5054:ff:fe12:3456/64 ',
      'docker0          DOWN           ',
      'br-3f1a2b4c5d6e  UP             fe80::42:5dff:fe8b:1/64 ',
    ].join('\n');
    expect(extract('net.interface', text)).toEqual([
      expect.objectContaining({ name: 'lo', state: 'UNKNOWN', ipv4: 1, ipv6: 1 }),
      expect.objectContaining({ name: 'eth0', state: 'UP', up: true, ipv4: 1, ipv6: 1 }),
      expect.objectContaining({ name: 'docker0', state: 'DOWN', ipv4: 0, ipv6: 0 }),
      expect.objectContaining({ name: 'br-3f1a2b4c5d6e', ipv4: 0, ipv6: 1 }),
    ]);
  });
  it('reads nothing about addresses from ip -br link or prose', () => {
    expect(
      extract(
        'net.interface',
        'docker0          DOWN           02:42:ac:11:00:02 <NO-CARRIER,BROADCAST,MULTICAST,UP>\nThe service is UP since 3 days',
      ),
    ).toEqual([]);
  });
});

describe('container.state (docker inspect, docker ps)', () => {
  it('reads OOMKilled, ExitCode and the name from inspect JSON', () => {
    const text =
      '[{"Name":"/hog","State":{"Status":"exited","OOMKilled":true,\n"ExitCode":137,"Error":""}}]';
    expect(extract('container.state', text)[0]).toMatchObject({
      name: 'hog',
      oomKilled: true,
      exitCode: 137,
      status: 'exited',
    });
  });
  it('reads exit codes from docker ps -a', () => {
    expect(
      extract(
        'container.state',
        'abc  busybox  "sh"  1 min ago  Exited (137) 5 seconds ago    hog',
      )[0],
    ).toMatchObject({ exitCode: 137, status: 'exited', name: 'hog' });
  });
});

describe('pod.container (kubectl describe pod, pod JSON)', () => {
  it('merges a Last State block into one fact', () => {
    const text =
      'Last State:     Terminated\n  Reason:       OOMKilled\n  Exit Code:    137\nReady: False\nRestart Count:  4';
    expect(extract('pod.container', text)).toEqual([
      expect.objectContaining({
        state: 'terminated',
        last: true,
        reason: 'OOMKilled',
        exitCode: 137,
      }),
      expect.objectContaining({ restartCount: 4 }),
    ]);
  });
  it("tags each described container's states with its own memory limit", () => {
    const text = [
      'Containers:',
      '  api:',
      '    Last State:     Terminated',
      '      Exit Code:    137',
      '    Limits:',
      '      cpu:     500m',
      '      memory:  250Mi',
      '    Requests:',
      '      memory:  190Mi',
      '  sidecar:',
      '    Last State:     Terminated',
      '      Reason:       Error',
      '      Exit Code:    137',
      '    Requests:',
      '      memory:  64Mi',
      '  worker:',
      '    Last State:     Terminated',
      '      Exit Code:    1',
      '    Limits:',
      '      memory:  2G',
      'Conditions:',
    ].join('\n');
    const facts = extract('pod.container', text);
    expect(facts).toHaveLength(3);
    expect(facts[0]).toMatchObject({ exitCode: 137, memoryLimit: 250 * 2 ** 20 });
    // A request is no limit, and the sidecar does not inherit its neighbour's.
    expect(facts[1]).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(facts[1]).not.toHaveProperty('memoryLimit');
    expect(facts[2]).toMatchObject({ exitCode: 1, memoryLimit: 2e9 });
  });
  it('reads terminated objects from pod JSON', () => {
    const text =
      '"lastState": {\n  "terminated": {\n    "exitCode": 1,\n    "reason": "Error"\n  }\n}';
    expect(extract('pod.container', text)[0]).toMatchObject({
      state: 'terminated',
      last: true,
      reason: 'Error',
      exitCode: 1,
    });
  });
  it('reads kubectl get pods rows', () => {
    expect(
      extract(
        'pod.container',
        'NAME READY STATUS RESTARTS AGE\napi-1 0/1 CrashLoopBackOff 12 (3m ago) 40m',
      )[0],
    ).toMatchObject({ name: 'api-1', reason: 'CrashLoopBackOff', restartCount: 12 });
  });
});

describe('node.condition and node.taint', () => {
  it('reads the describe-node Conditions table', () => {
    const text =
      'Conditions:\n  Type  Status  LastHeartbeatTime  LastTransitionTime  Reason  Message\n  ----  ------  -----------------  ------------------  ------  -------\n  Ready \t\tUnknown \tThu, 03 Nov 2016 12:18:28 +0000 \tThu, 03 Nov 2016 12:19:12 +0000 \tNodeStatusUnknown \t\tKubelet stopped posting node status.';
    expect(extract('node.condition', text)[0]).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
  });
  it('reads conditions from node JSON', () => {
    const text =
      '{\n "type": "DiskPressure",\n "status": "True",\n "reason": "KubeletHasDiskPressure"\n}';
    expect(extract('node.condition', text)[0]).toMatchObject({
      type: 'DiskPressure',
      status: 'True',
      reason: 'KubeletHasDiskPressure',
    });
  });
  it('reads taints from describe node, including continuation lines', () => {
    const text =
      'Taints:             node.kubernetes.io/disk-pressure:NoSchedule\n                    node.kubernetes.io/not-ready:NoExecute\nUnschedulable:      false';
    expect(extract('node.taint', text).map((t) => (t as Record<string, unknown>).key)).toEqual([
      'node.kubernetes.io/disk-pressure',
      'node.kubernetes.io/not-ready',
    ]);
  });
});

describe('io.writer and loop.devices', () => {
  it('reads BLOCK I/O read/write bytes from docker stats', () => {
    const text =
      'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT     MEM %     NET I/O         BLOCK I/O         PIDS\n66e51a4b1b32   chia-3    0.00%     389.5MiB / 15.53GiB   2.45%     406kB / 292kB   8.71TB / 6.98MB   0';
    expect(extract('io.writer', text)[0]).toMatchObject({
      name: 'chia-3',
      readBytes: 8.71e12,
      writeBytes: 6.98e6,
    });
  });
  it('reads the collector sample table rates', () => {
    expect(
      extract('io.writer', 'PID COMM CONTAINER READ_B/S WRITE_B/S\n23110 dd batch 0 187432960')[0],
    ).toMatchObject({ pid: 23110, container: 'batch', writeRate: 187432960 });
  });
  it('summarises loop devices: attached vs existing', () => {
    const text =
      '/dev/loop0: [0032]:116 (/var/lib/docker/devicemapper/devicemapper/data)\n/dev/loop1: [0032]:117 (/var/lib/docker/devicemapper/devicemapper/metadata)\nbrw-rw---- 1 root disk 7, 0 Nov 23 09:00 /dev/loop0\nbrw-rw---- 1 root disk 7, 1 Nov 23 09:00 /dev/loop1';
    expect(extract('loop.devices', text)[0]).toMatchObject({ attached: 2, devices: 2, free: 0 });
  });
  it('parses sizes the way docker prints them', () => {
    expect(parseSize('8.71TB')).toBe(8.71e12);
    expect(parseSize('406kB')).toBe(406000);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('n/a')).toBeNull();
  });
});

describe('ifconfig and iotop formats', () => {
  it('reads net-tools 2.x ifconfig blocks', () => {
    const text =
      'docker0: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500\n        inet6 fe80::42:7fff:fe0a:1122  prefixlen 64  scopeid 0x20<link>\n        ether 02:42:7f:0a:11:22  txqueuelen 0  (Ethernet)\n\neth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 9001\n        inet 10.0.1.12  netmask 255.255.255.0  broadcast 10.0.1.255';
    expect(extract('net.interface', text)).toEqual([
      expect.objectContaining({ name: 'docker0', ipv4: 0, ipv6: 1, up: true }),
      expect.objectContaining({ name: 'eth0', ipv4: 1 }),
    ]);
  });
  it('reads net-tools 1.x ifconfig blocks', () => {
    const text =
      'docker0   Link encap:Ethernet  HWaddr 02:42:7f:0a:11:22\n          inet6 addr: fe80::42:7fff:fe0a:1122/64 Scope:Link\n          UP BROADCAST MULTICAST  MTU:1500  Metric:1\n\nlo        Link encap:Local Loopback\n          inet addr:127.0.0.1  Mask:255.0.0.0';
    expect(extract('net.interface', text)).toEqual([
      expect.objectContaining({ name: 'docker0', ipv4: 0, ipv6: 1, up: true }),
      expect.objectContaining({ name: 'lo', ipv4: 1 }),
    ]);
  });
  it('reads iotop rows as rates', () => {
    const text =
      'Total DISK READ :       0.00 B/s | Total DISK WRITE :     180.00 M/s\n  TID  PRIO  USER     DISK READ  DISK WRITE  SWAPIN     IO>    COMMAND\n12345 be/4 root        0.00 B/s  180.00 M/s  0.00 % 99.99 % dd if=/dev/zero of=/data/x bs=1M';
    expect(extract('io.writer', text)[0]).toMatchObject({
      pid: 12345,
      name: 'dd',
      writeRate: 180 * 1024 * 1024,
      ioWaitPercent: 99.99,
      container: null,
    });
  });
});

describe('node condition rows quoted without their header', () => {
  it('reads a describe-node row by its timestamps and kubelet reason, but not a pod Conditions row', () => {
    const node =
      '  DiskPressure     True    Mon, 23 Nov 2026 09:00:00 +0000   Mon, 23 Nov 2026 08:55:00 +0000   KubeletHasDiskPressure       kubelet has disk pressure';
    expect(extract('node.condition', node)[0]).toMatchObject({
      type: 'DiskPressure',
      status: 'True',
      reason: 'KubeletHasDiskPressure',
    });
    expect(
      extract(
        'node.condition',
        'Conditions:\n  Type              Status\n  Ready             False\n  ContainersReady   False',
      ),
    ).toEqual([]);
  });
});

describe('io.writer from pidstat -d', () => {
  it('reads per-process kB/s rows under the header, 12-hour and Average rows alike', () => {
    const text = readFileSync(join(FIXTURES, 'pidstat-d-12h.txt'), 'utf8');
    const facts = extract('io.writer', text);
    expect(facts[0]).toMatchObject({
      line: 4,
      name: 'dd',
      pid: 4242,
      writeRate: 184320 * 1024,
      readRate: 0,
      container: null,
    });
    expect(facts[1]).toMatchObject({ name: 'postgres', pid: 1200, writeRate: 8192 });
    expect(facts[2]).toMatchObject({ line: 8, name: 'dd', writeRate: 184320 * 1024 });
  });
  it('reads 24-hour rows of a release without iodelay', () => {
    const text =
      '12:00:01      UID       PID   kB_rd/s   kB_wr/s kB_ccwr/s  Command\n12:00:02        0       77    100.00      0.00      0.00  java -jar app.jar';
    expect(extract('io.writer', text)).toEqual([
      expect.objectContaining({
        name: 'java -jar app.jar',
        pid: 77,
        readRate: 102400,
        writeRate: 0,
      }),
    ]);
  });
  it('ignores rows that are not under a pidstat header', () => {
    expect(extract('io.writer', '12:00:02 0 77 100.00 0.00 0.00 java kB_wr/s')).toEqual([]);
  });
});

describe('loop.devices: loop-control without loop nodes', () => {
  it('counts zero devices when only /dev/loop-control is listed', () => {
    const text =
      '$ ls -l /dev/loop*\ncrw-rw---- 1 root disk 10, 237 Dec  2 12:00 /dev/loop-control';
    expect(extract('loop.devices', text)[0]).toMatchObject({
      loopControl: true,
      devices: 0,
      attached: 0,
    });
  });
  it('counts the nodes beside loop-control', () => {
    const text =
      'brw-rw---- 1 root disk 7, 0 Dec  2 12:00 /dev/loop0\ncrw-rw---- 1 root disk 10, 237 Dec  2 12:00 /dev/loop-control';
    expect(extract('loop.devices', text)[0]).toMatchObject({
      loopControl: true,
      devices: 1,
      free: 1,
    });
  });
});

describe('service.unit (systemctl status)', () => {
  it("reads each unit's Active line beside the unit whose block it is in", () => {
    const text = `● docker.service - Docker Application Container Engine
     Loaded: loaded (/usr/lib/systemd/system/docker.service; enabled; preset: disabled)
     Active: active (running) since Tue 2026-12-01 22:14:09 UTC; 3 days ago
TriggeredBy: × docker.socket

× docker.socket - Docker Socket for the API
     Active: failed (Result: service-start-limit-hit) since Tue 2026-12-01 22:09:51 UTC; 3 days ago
   Triggers: ● docker.service
○ containerd.service - containerd container runtime
   Active: inactive (dead)`;
    expect(extract('service.unit', text)).toEqual([
      { line: 3, unit: 'docker.service', active: 'active', sub: 'running' },
      { line: 7, unit: 'docker.socket', active: 'failed', sub: 'Result: service-start-limit-hit' },
      { line: 10, unit: 'containerd.service', active: 'inactive', sub: 'dead' },
    ]);
  });
  it('an Active line under no unit heading names no unit', () => {
    expect(extract('service.unit', '   Active: failed (Result: exit-code)')).toEqual([]);
    expect(
      extract(
        'service.unit',
        '● docker.service - Docker\n   Active: active (running)\n   Active: failed (Result: exit-code)',
      ),
    ).toHaveLength(1);
  });
});
