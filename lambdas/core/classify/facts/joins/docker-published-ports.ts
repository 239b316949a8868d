import { LINE_CAP } from '../../scan-limits.js';
import { clip, forEachLine, type FactLine } from '../fact.js';

/** One container port docker publishes on the host, with the line that shows it. */
export interface PublishedPort {
  /** The container's name when the listing shows it (docker ps NAMES, inspect Name), else null. */
  readonly container: string | null;
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
  /** Up for seconds only, or its health check still starting: a server may not have bound yet. */
  readonly starting: boolean;
  readonly at: FactLine;
}

/** A port range (`8000-8010->8000-8010/tcp`) is expanded up to this many ports. */
const MAX_RANGE = 16;
/** Most bindings read from one section: a bound on what a hostile listing can make us hold. */
const MAX_BINDINGS = 256;

// Each `->` is read in a bounded window around it, so a line full of arrows costs linear time.
const HOST_SIDE = /^(\[?[0-9a-fA-F.:]{0,45}\]?):(\d{1,5})(?:-(\d{1,5}))?$/;
const CONTAINER_SIDE = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp|sctp)\b/;
const NOT_RUNNING = /\b(Exited|Created|Dead)\b/;
const STARTING = /\bUp (Less than a second|\d{1,2} seconds?)\b|\(health: starting\)/;
// A container's own Name starts with a slash; GraphDriver's and others' ("overlay2") do not.
const INSPECT_NAME = /^\s*"Name":\s*"\/([\w.-]{1,128})"/;
const INSPECT_PORT_KEY = /^\s*"(\d{1,5})\/(tcp|udp|sctp)":\s*(\[|null|\{)/;
const INSPECT_HOST_IP = /"HostIp":\s*"([0-9a-fA-F.:]{0,45})"/;
const INSPECT_HOST_PORT = /"HostPort":\s*"(\d{1,5})"/;

function* expand(from: number, to: number | undefined): Generator<number> {
  const last = to === undefined || to < from ? from : Math.min(to, from + MAX_RANGE - 1);
  for (let p = from; p <= last; p++) yield p;
}

/** The last whitespace-separated token of a docker ps row, when it is a name (not a port mapping). */
function nameColumn(line: string, namesColumn: boolean): string | null {
  if (!namesColumn) return null;
  const last = /(\S+)\s*$/.exec(line.slice(-256))?.[1];
  return last && /^[\w.-]+$/.test(last) && !/\/(tcp|udp|sctp)$/.test(last) ? last : null;
}

function fromPsRow(
  section: string,
  line: string,
  lineNo: number,
  namesColumn: boolean,
  out: PublishedPort[],
): void {
  if (NOT_RUNNING.test(line)) return; // docker ps keeps a stopped container's ports only as text
  const container = nameColumn(line, namesColumn);
  const starting = STARTING.test(line);
  const at = { section, line: lineNo, text: clip(line) };
  for (
    let i = line.indexOf('->');
    i >= 0 && out.length < MAX_BINDINGS;
    i = line.indexOf('->', i + 2)
  ) {
    // The host side is the token before the arrow (after a space, a comma or an earlier arrow).
    const before = line.slice(Math.max(0, i - 64), i);
    const host = HOST_SIDE.exec(
      before.slice(Math.max(...[' ', '\t', ',', '>'].map((c) => before.lastIndexOf(c))) + 1),
    );
    const inner = CONTAINER_SIDE.exec(line.slice(i + 2, i + 32));
    if (!host || !inner) continue;
    const hostPorts = [...expand(Number(host[2]), host[3] ? Number(host[3]) : undefined)];
    const innerPorts = [...expand(Number(inner[1]), inner[2] ? Number(inner[2]) : undefined)];
    for (const [k, containerPort] of innerPorts.entries())
      out.push({
        container,
        hostIp: host[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0',
        hostPort: hostPorts[Math.min(k, hostPorts.length - 1)]!,
        containerPort,
        protocol: inner[3]!,
        starting,
        at,
      });
  }
}

/**
 * Ports docker publishes, from `docker ps` rows (`0.0.0.0:8080->80/tcp, :::8080->80/tcp`) and
 * `docker inspect` JSON (`"80/tcp": [{"HostIp": "", "HostPort": "8080"}]` under
 * NetworkSettings.Ports or HostConfig.PortBindings; ExposedPorts' `{}` and a `null` binding publish
 * nothing). Line by line, so a snippet of either output reads as well as the whole.
 */
export function publishedPorts(section: string, text: string): PublishedPort[] {
  const out: PublishedPort[] = [];
  let namesColumn = false;
  let inspectName: string | null = null;
  let portKey: { port: number; protocol: string; line: number; text: string } | null = null;
  let hostIp = '';
  forEachLine(text, (raw, lineNo) => {
    if (out.length >= MAX_BINDINGS) return false;
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    if (/\bPORTS\s+NAMES\s*$/.test(line)) namesColumn = true;
    const name = INSPECT_NAME.exec(line);
    if (name) inspectName = name[1]!;
    const key = INSPECT_PORT_KEY.exec(line);
    if (key) {
      portKey =
        key[3] === '['
          ? { port: Number(key[1]), protocol: key[2]!, line: lineNo, text: clip(line.trim()) }
          : null;
      hostIp = '';
    }
    if (portKey) {
      hostIp = INSPECT_HOST_IP.exec(line)?.[1] ?? hostIp;
      const hostPort = INSPECT_HOST_PORT.exec(line);
      if (hostPort) {
        out.push({
          container: inspectName,
          hostIp: hostIp || '0.0.0.0',
          hostPort: Number(hostPort[1]),
          containerPort: portKey.port,
          protocol: portKey.protocol,
          starting: false,
          at: { section, line: portKey.line, text: portKey.text },
        });
      }
      const end = line.trimEnd();
      if (end.endsWith(']') || end.endsWith('],')) portKey = null;
      return;
    }
    if (line.includes('->')) fromPsRow(section, line, lineNo, namesColumn, out);
  });
  return out;
}
