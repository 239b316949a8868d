// Storage exhaustion: disk-full (ENOSPC, blocks or inodes) and node-disk-pressure (the kubelet's
// evictions and image GC). Together because each test checks a "no space" or eviction wording
// against what df, df -i and the kubelet actually show.
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA } from '../../../lambdas/core/evidence/bundle.js';
import { rulebook, top } from './support.js';

// Wording families real daemons and runtimes print, each with the healthy or other-cause output
// that must not borrow it.
describe('recall mechanisms: each wording family is read, and only as that mechanism', () => {
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
});

// Wordings taken from the upstream source that prints them (test/runbooks/cases/upstream): each rule
// that reads one, with the same program's other-cause or healthy output beside it.
describe('upstream wordings: each is read as its mechanism, and its near misses are not', () => {
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
});

// Held-out rounds 34 and 35: what each line means on any host, with the reading it must not borrow.
describe('rounds 34-35: a line read by what it proves', () => {
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

  it('a pod evicted because the node ran out of inodes is node disk pressure', () => {
    // The kubelet names inode signals (nodefs.inodesFree, imagefs.inodesFree) by the resource "inodes".
    expect(
      top({
        'k8s.events':
          'LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n2m          Warning   Evicted   pod/web-7d9f   The node was low on resource: inodes. Threshold quantity: 5%, available: 1200. ',
      }),
    ).toBe('node-disk-pressure');
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
});
