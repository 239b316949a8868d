import { EVIDENCE_SCHEMA, type EvidenceBundle } from '../lambdas/core/evidence/bundle.js';

// Lines of the kind a healthy host prints all day: the haystack. Some mention scary words.
const NOISE: Record<string, string[]> = {
  'docker.journal': [
    'Nov 23 09:00:01 ip-10-0-1-12 dockerd[1242]: time="2026-11-23T09:00:01.865075686Z" level=info msg="ignoring event" container=4f1e module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"',
    'Nov 23 09:00:02 ip-10-0-1-12 dockerd[1242]: time="2026-11-23T09:00:02.102Z" level=error msg="Handler for GET /containers/caf715b6168f/json returned error: No such container: caf715b6168f"',
    'Nov 23 09:00:03 ip-10-0-1-12 dockerd[1242]: time="2026-11-23T09:00:03.554Z" level=warning msg="failed to retrieve runc version: unknown output format"',
    'Nov 23 09:00:04 ip-10-0-1-12 systemd[1]: Started docker-4f1e.scope - libcontainer container 4f1e.',
  ],
  'kubelet.journal': [
    'Nov 23 09:00:05 ip-10-0-2-7 kubelet[3321]: I1123 09:00:05.118231    3321 kubelet.go:2458] "SyncLoop (PLEG): event for pod" pod="shop/api-7d9f-abcde" event={"ID":"1a2b","Type":"ContainerStarted"}',
    'Nov 23 09:00:06 ip-10-0-2-7 kubelet[3321]: I1123 09:00:06.220001    3321 prober.go:107] "Probe succeeded" probeType="Readiness" pod="shop/api-7d9f-abcde"',
    'Nov 23 09:00:07 ip-10-0-2-7 kubelet[3321]: E1123 09:00:07.001122    3321 summary_sys_containers.go:83] "Failed to get system container stats" err="failed to get cgroup stats for \\"/system.slice/kubelet.service\\": partial failures"',
  ],
  'k8s.pod-logs': [
    '{"level":"info","ts":1732352405.11,"msg":"request served","path":"/api/v1/items","status":200,"duration_ms":12}',
    '2026-11-23T09:00:05.120Z WARN  retrying request to inventory (attempt 1/3): context canceled',
    '10.0.3.17 - - [23/Nov/2026:09:00:05 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.30"',
  ],
  'kernel.log': [
    '[1204.118231] IPv6: ADDRCONF(NETDEV_CHANGE): veth1a2b3c4: link becomes ready',
    '[1204.118300] docker0: port 2(veth1a2b3c4) entered forwarding state',
    '[1205.000001] EXT4-fs (nvme1n1): mounted filesystem with ordered data mode. Quota mode: none.',
  ],
  'docker.ps': [
    '4f1e2a3b4c5d   registry.example.invalid/shop/api:1.4   "/app/server"   3 hours ago   Up 3 hours (healthy)   0.0.0.0:8080->8080/tcp   api',
    '9a8b7c6d5e4f   postgres:16   "docker-entrypoint.s…"   3 days ago   Up 3 days   5432/tcp   db',
  ],
};

// Failure lines sprinkled into the haystack (each is a real wording of some class).
const NEEDLES: [string, string][] = [
  [
    'docker.journal',
    'Nov 23 09:10:00 ip-10-0-1-12 dockerd[1242]: failed to register layer: Error processing tar file(exit status 1): write /usr/lib/x86_64-linux-gnu/libLLVM.so.15: no space left on device',
  ],
  [
    'kernel.log',
    '[2204.118431] Memory cgroup out of memory: Killed process 23101 (python3) total-vm:65432kB, anon-rss:31800kB, file-rss:1200kB',
  ],
  ['k8s.pod-logs', "ModuleNotFoundError: No module named 'flask'"],
];

/** A bundle of about `bytes` characters: realistic noise with a few failure lines in it. */
export function generateEvidence(bytes: number, seed = 7): EvidenceBundle {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const names = Object.keys(NOISE);
  const perSection = Math.ceil(bytes / names.length);
  const sections: Record<string, { output: string }> = {};
  for (const name of names) {
    const pool = NOISE[name]!;
    const parts: string[] = [];
    let size = 0;
    while (size < perSection) {
      const line = pool[Math.floor(rnd() * pool.length)]!;
      parts.push(line);
      size += line.length + 1;
    }
    for (const [section, needle] of NEEDLES)
      if (section === name) parts.splice(Math.floor(rnd() * parts.length), 0, needle);
    sections[name] = { output: parts.join('\n') };
  }
  return {
    schema: EVIDENCE_SCHEMA,
    target: { platform: 'docker', instanceId: 'i-0bench' },
    collectedAt: '2026-11-23T09:00:00Z',
    sections,
  };
}
