import { describe, expect, it } from 'vitest';
import { indentOf, startsRecord } from '../../../lambdas/core/classify/record-start.js';

describe('startsRecord', () => {
  it('sees a log prefix as a new record at any indent', () => {
    for (const line of [
      'E0324 01:48:11.204118    2231 kubelet_volumes.go:245] "There were many similar errors"',
      'I1203 12:00:00.000000       1 main.go:12] started',
      'Mar 24 01:48:11 node-1 kubelet[2231]: E0324 01:48:11.204118 2231 pod.go:1] x',
      '2026-03-24T01:48:11.123Z error failed to pull',
      '2026-03-24 01:48:11,123 ERROR worker: boom',
      '2026/03/24 01:48:11 http: TLS handshake error',
      '[  123.456789] Out of memory: Killed process 9 (java)',
      '[24/Mar/2026:01:48:11 +0000] "GET / HTTP/1.1" 404',
      '01:48:11 worker started',
      'time="2026-03-24T01:48:11Z" level=error msg="x"',
      'level=error ts=2026-03-24T01:48:11Z msg=x',
      'ERRO[0001] error waiting for container: context canceled',
      '    E0324 01:48:11.204118 2231 pod.go:1] indented klog',
    ])
      expect(startsRecord(line, 8), line).toBe(true);
  });

  it("sees kubectl's tables and describe layout as new records", () => {
    for (const line of [
      'Events:',
      '  Type     Reason     Age   From     Message',
      'Type Reason Age From Message',
      '  ----     ------     ----  ----     -------',
      '---- ------ ---- ---- -------',
      '  Warning  Failed     44s (x4 over 2m14s)  kubelet  Failed to pull image "x":',
      'Warning Failed 44s (x4 over 2m14s) kubelet Failed to pull image "x":',
      'Normal Pulling 45s (x4 over 2m15s) kubelet Pulling image "x"',
      '2m12s       Warning   Failed    pod/api-1   Failed to pull image "x"',
      '2m Warning Failed pod/api-1 Failed to pull image "x"',
      'NAME READY STATUS RESTARTS AGE',
      'LAST SEEN   TYPE      REASON   OBJECT   MESSAGE',
      'api-7d9f 0/1 ImagePullBackOff 0 2m15s',
      'node-1 NotReady <none> 5d v1.29.0',
      'api-7d9f   0/1     ImagePullBackOff   0          2m15s',
    ])
      expect(startsRecord(line, 8), line).toBe(true);
  });

  it('sees a shell prompt or a JSON object as a new record', () => {
    for (const line of [
      '$ kubectl get pods',
      '# journalctl -u kubelet',
      'root@node-1:~# crictl pull x',
      'ec2-user@ip-10-0-0-1$ docker ps',
      '[root@node01 ~]# kubectl describe node',
      '{"level":"error","msg":"x"}',
      '[{"type":"Warning"}]',
    ])
      expect(startsRecord(line, 8), line).toBe(true);
  });

  it('ends a YAML folded value at a key no deeper than the value, not at a deeper one', () => {
    expect(startsRecord('  reason: Failed', 4)).toBe(true);
    expect(startsRecord('    reason: Failed', 4)).toBe(true);
    expect(startsRecord('- apiVersion: v1', 4)).toBe(true);
    expect(startsRecord('  "reason": "Failed",', 4)).toBe(true);
    expect(startsRecord('      reason: Failed', 4)).toBe(false);
  });

  it('lets the text of a wrapped message continue, colons and quotes included', () => {
    for (const line of [
      'rpc error: code = NotFound desc =',
      'failed to pull and unpack image',
      '"docker.io/library/non-existent-image:latest":',
      'docker.io/library/non-existent-image:latest:',
      'not found',
      '    pull and unpack image "docker.io/library/x:latest": failed to resolve reference',
      '                          https://registry.invalid/v2/: dial tcp: lookup registry.invalid',
      'to pull image "x": 403 Forbidden',
    ])
      expect(startsRecord(line, 0), line).toBe(false);
  });

  it('treats a blank line as a paragraph break', () => {
    expect(startsRecord('', 0)).toBe(true);
    expect(startsRecord('   ', 0)).toBe(true);
  });

  it('costs linear time on a hostile line', () => {
    const hostile = `a${'   b'.repeat(250)}`.slice(0, 1024);
    const colons = 'x:'.repeat(512);
    const started = process.cpuUsage();
    for (let i = 0; i < 200; i++) {
      startsRecord(hostile, 0);
      startsRecord(colons, 1024);
    }
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(500);
  });
});

describe('indentOf', () => {
  it('counts leading spaces and tabs', () => {
    expect(indentOf('    x')).toBe(4);
    expect(indentOf('\t\tx')).toBe(2);
    expect(indentOf('x')).toBe(0);
  });
});
