import { describe, expect, it } from 'vitest';
import { policyVerdict } from '../../../../lambdas/core/classify/facts/policy-verdict.js';

const facts = (text: string) =>
  policyVerdict.extract('host.logs', text).map((f) => ({ ...f.fields }));

describe('netpol.verdict', () => {
  it("reads the EKS network policy agent's JSON flow line", () => {
    const line =
      '{"level":"info","ts":"2026-11-22T23:58:04.484Z","logger":"ebpf-client","msg":"Flow Info:  ","Src IP":"10.1.12.220","Src Port":443,"Dest IP":"10.1.202.70","Dest Port":39644,"Proto":"TCP","Verdict":"DENY"}';
    expect(facts(line)).toEqual([
      {
        verdict: 'deny',
        srcIp: '10.1.12.220',
        srcPort: 443,
        dstIp: '10.1.202.70',
        dstPort: 39644,
        proto: 'TCP',
      },
    ]);
  });
  it("reads the agent's text flow line (node log file, CloudWatch) and its other verdicts", () => {
    const text =
      'Node: ip-10-0-64-172.ec2.internal;SIP: 10.0.68.172;SPORT: 4000;DIP: 10.0.74.123;DPORT: 39816;PROTOCOL: TCP;PolicyVerdict: DENY\nNode: ip-10-0-64-172.ec2.internal;SIP: 10.0.74.123;SPORT: 39816;DIP: 10.0.68.172;DPORT: 4000;PROTOCOL: TCP;PolicyVerdict: ACCEPT\nNode: n;SIP: 10.0.74.123;SPORT: 39816;DIP: 10.0.68.172;DPORT: 4000;PROTOCOL: TCP;PolicyVerdict: EXPIRED/DELETED';
    expect(facts(text).map((f) => [f.verdict, f.srcPort, f.dstPort])).toEqual([
      ['deny', 4000, 39816],
      ['allow', 39816, 4000],
      ['expired/deleted', 39816, 4000],
    ]);
  });
  it("reads the agent's later flow line, its fields inside the message (IPv6 addresses too)", () => {
    const line =
      '{"level":"info","ts":"2026-11-22T23:58:14.448Z","caller":"runtime/asm_amd64.s:1700","msg":"Flow Info: Src IP: 2600:1f14:252c:c310:70fb::2 Src Port: 36132 Dest IP: fd74:9d4e:ba42::2:ff4d Dest Port: 8080 Proto: TCP Verdict: DENY Direction: egress"}';
    expect(facts(line)).toEqual([
      {
        verdict: 'deny',
        srcIp: '2600:1f14:252c:c310:70fb::2',
        srcPort: 36132,
        dstIp: 'fd74:9d4e:ba42::2:ff4d',
        dstPort: 8080,
        proto: 'TCP',
      },
    ]);
  });
  it("reads the later flow line's IPv4 wording, no colon after Proto and Verdict", () => {
    const line =
      '{"level":"info","ts":"2026-11-22T23:58:14.448Z","caller":"events/events.go:270","msg":"Flow Info: Src IP: 10.1.12.220 Src Port: 51812 Dest IP: 10.1.202.70 Dest Port: 8080 Proto TCP Verdict DENY Direction ingress"}';
    expect(facts(line)).toEqual([
      {
        verdict: 'deny',
        srcIp: '10.1.12.220',
        srcPort: 51812,
        dstIp: '10.1.202.70',
        dstPort: 8080,
        proto: 'TCP',
      },
    ]);
  });
  it('reads Calico flow logs, with ports the aggregation dropped as null', () => {
    const text =
      '{"start_time":1795392000,"end_time":1795392300,"source_ip":"10.2.0.9","source_port":null,"dest_ip":"10.2.1.4","dest_port":6379,"proto":"tcp","action":"deny","reporter":"dst"}';
    expect(facts(text)).toEqual([
      {
        verdict: 'deny',
        srcIp: '10.2.0.9',
        srcPort: null,
        dstIp: '10.2.1.4',
        dstPort: 6379,
        proto: 'tcp',
      },
    ]);
  });
  it('reads nothing from lines that only mention a verdict', () => {
    expect(facts('level=info msg="policy verdict cache warmed" entries=42')).toEqual([]);
    // An application's own authorisation log names a verdict too; only the agent's flow line counts.
    expect(facts('2026-11-22T23:58:14Z audit user=alice action=delete Verdict: DENY')).toEqual([]);
  });
});
