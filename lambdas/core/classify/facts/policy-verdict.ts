import { clip, forEachLine, type Fact, type FactExtractor, type FactValue } from './fact.js';

// The flow logs of policy enforcement agents, one flow per line, keys in any order:
// - the EKS network policy agent (aws-network-policy-agent), logr JSON:
//   "Src IP":"…","Src Port":443,"Dest IP":"…","Dest Port":40114,"Proto":"TCP","Verdict":"DENY"
// - the same agent's text form (its node log file and CloudWatch):
//   Node: …;SIP: …;SPORT: 4000;DIP: …;DPORT: 39816;PROTOCOL: TCP;PolicyVerdict: DENY
// - its later releases' flow line, the fields inside the logr message:
//   "msg":"Flow Info: Src IP: … Src Port: 36132 Dest IP: … Dest Port: 8080 Proto: TCP Verdict: DENY Direction: egress"
//   (the IPv6 wording; for IPv4 the same releases print no colon after Proto, Verdict, Direction:
//   "… Dest Port: 8080 Proto TCP Verdict DENY Direction ingress", pkg/ebpf/events/events.go)
// - Calico Enterprise/Cloud flow logs (JSON, as exported): "action":"deny", "source_port", "dest_port", "proto"
const FORMATS: readonly {
  /** A literal the line must hold, where the field names alone are common words (an app's own "Verdict: DENY"). */
  requires?: string;
  verdict: RegExp;
  srcIp: RegExp;
  srcPort: RegExp;
  dstIp: RegExp;
  dstPort: RegExp;
  proto: RegExp;
}[] = [
  {
    verdict: /"Verdict":\s*"([A-Z/]+)"/,
    srcIp: /"Src IP":\s*"([^"]*)"/,
    srcPort: /"Src Port":\s*(\d+)/,
    dstIp: /"Dest IP":\s*"([^"]*)"/,
    dstPort: /"Dest Port":\s*(\d+)/,
    proto: /"Proto":\s*"([^"]*)"/,
  },
  {
    verdict: /\bPolicyVerdict: ([A-Z/]+)/,
    srcIp: /\bSIP: ([^;\s]+)/,
    srcPort: /\bSPORT: (\d+)/,
    dstIp: /\bDIP: ([^;\s]+)/,
    dstPort: /\bDPORT: (\d+)/,
    proto: /\bPROTOCOL: ([^;\s]+)/,
  },
  {
    requires: 'Flow Info:',
    verdict: /\bVerdict:? ([A-Z/]+)/,
    srcIp: /\bSrc IP: ([^\s"]+)/,
    srcPort: /\bSrc Port: (\d+)/,
    dstIp: /\bDest IP: ([^\s"]+)/,
    dstPort: /\bDest Port: (\d+)/,
    proto: /\bProto:? ([^\s"]+)/,
  },
  {
    verdict: /"action":\s*"(allow|deny)"/,
    srcIp: /"source_ip":\s*"([^"]*)"/,
    srcPort: /"source_port":\s*(\d+)/,
    dstIp: /"dest_ip":\s*"([^"]*)"/,
    dstPort: /"dest_port":\s*(\d+)/,
    proto: /"proto":\s*"([^"]*)"/,
  },
];

const verdictOf = (raw: string): string =>
  /^(DENY|deny)$/.test(raw) ? 'deny' : /^(ACCEPT|allow)$/.test(raw) ? 'allow' : raw.toLowerCase();

/**
 * Flow verdicts of a policy enforcement agent, one per flow line: verdict (allow | deny | the
 * agent's other states, e.g. expired/deleted), srcIp, srcPort, dstIp, dstPort (null when the log
 * aggregated them away), proto. Which end is the server shows in the ports: a packet from a service
 * port to an ephemeral one is a reply.
 */
export const policyVerdict: FactExtractor = {
  kind: 'netpol.verdict',
  markers: ['verdict', '"action":'],
  mayContain: (text) => text.includes('Verdict') || /"action":\s*"(allow|deny)"/.test(text),
  extract(section, text) {
    const facts: Fact[] = [];
    forEachLine(text, (line, lineNo) => {
      for (const f of FORMATS) {
        if (f.requires !== undefined && !line.includes(f.requires)) continue;
        const verdict = f.verdict.exec(line);
        if (!verdict) continue;
        const port = (re: RegExp): FactValue => {
          const m = re.exec(line);
          return m ? Number(m[1]) : null;
        };
        const str = (re: RegExp): FactValue => re.exec(line)?.[1] ?? null;
        facts.push({
          kind: 'netpol.verdict',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: {
            verdict: verdictOf(verdict[1]!),
            srcIp: str(f.srcIp),
            srcPort: port(f.srcPort),
            dstIp: str(f.dstIp),
            dstPort: port(f.dstPort),
            proto: str(f.proto),
          },
        });
        return;
      }
    });
    return facts;
  },
};
