import { clip, forEachLine, type Fact, type FactLine } from '../fact.js';
import { publishedPorts, type PublishedPort } from './docker-published-ports.js';
import { MAX_JOINED_FACTS, type FactJoin, type JoinInput } from './fact-join.js';
import { isLoopback, listenAnnouncements, type ListenAnnouncement } from './listen-announcement.js';

/** What listens behind a published port, as far as the evidence shows. */
type Listener = 'reachable' | 'loopback' | 'none' | 'unknown';

/** A LISTEN row of one container's namespace (a net.listener fact under its heading). */
interface SeenListener {
  readonly address: string;
  readonly port: number;
  readonly at: FactLine;
}

/** One container namespace's listing: the collector's heading and the LISTEN rows under it. */
interface Listing {
  readonly heading: FactLine;
  /** LISTEN rows by port. */
  readonly rows: Map<number, SeenListener[]>;
}

const NETNS_HEADING = /^#+\s*netns\b.*\bcontainer=([\w.-]{1,128})/;

/** The container a collector's `# netns container=NAME pid=N` heading names, or null for any other scope. */
function containerOfScope(scope: unknown): string | null {
  if (typeof scope !== 'string') return null;
  return /\bcontainer=([\w.-]{1,128})/.exec(scope)?.[1] ?? null;
}

/** Every container namespace the sections list, even one with no listener at all. */
function namespaceListings(sections: JoinInput['sections']): Map<string, Listing> {
  const listings = new Map<string, Listing>();
  for (const { name, output } of sections)
    forEachLine(output, (line, lineNo) => {
      const m = line.length <= 512 ? NETNS_HEADING.exec(line) : null;
      if (m && !listings.has(m[1]!))
        listings.set(m[1]!, {
          heading: { section: name, line: lineNo, text: clip(line) },
          rows: new Map(),
        });
    });
  return listings;
}

/** What listens behind one published port, with the lines that show it. */
interface Judgement {
  readonly listener: Listener;
  readonly address: string | null;
  /** With no listener on the port: how many other ports the namespace serves beyond loopback. */
  readonly otherPorts?: number;
  readonly joined: FactLine[];
}

/**
 * Judges one published port: a listing of the container's own namespace decides (a listener on a
 * non-loopback address: reachable; loopback only: loopback; none on the port: none); without one,
 * the last address the container's log announced for the port; else unknown.
 */
function judge(
  port: PublishedPort,
  listing: Listing | undefined,
  announced: ReadonlyMap<number, readonly ListenAnnouncement[]>,
  same: (a: string | null, b: string | null) => boolean,
): Judgement {
  if (listing) {
    const onPort = listing.rows.get(port.containerPort) ?? [];
    const open = onPort.find((r) => !isLoopback(r.address));
    if (open) return { listener: 'reachable', address: open.address, joined: [open.at] };
    if (onPort.length > 0)
      return {
        listener: 'loopback',
        address: onPort[0]!.address,
        joined: onPort.slice(0, 2).map((r) => r.at),
      };
    // The ports it does serve show where the server went (8081 while 8080 is published).
    const served = [...listing.rows.values()].flatMap((rows) =>
      rows.filter((r) => !isLoopback(r.address)).slice(0, 1),
    );
    return {
      listener: 'none',
      address: null,
      otherPorts: served.length,
      joined: [listing.heading, ...served.slice(0, 2).map((r) => r.at)],
    };
  }
  let last: ListenAnnouncement | undefined;
  for (const a of announced.get(port.containerPort) ?? [])
    if (same(a.container, port.container)) last = a;
  if (last)
    return {
      listener: isLoopback(last.address) ? 'loopback' : 'reachable',
      address: last.address,
      joined: [last.at],
    };
  return { listener: 'unknown', address: null, joined: [] };
}

/**
 * Each TCP port docker publishes, joined with what listens on it inside the container: docker
 * forwards the host port to the container's address, so a server bound only to 127.0.0.1/::1
 * there, or nothing on the port, leaves the published port dead while everything "runs". A
 * loopback listener on a port nobody publishes (gunicorn behind nginx) is no fact at all.
 * Fields: container, hostIp, hostPort, containerPort, listener (`reachable`, `loopback`, `none`,
 * `unknown`), listenerAddress, starting (up for seconds only: the server may not have bound yet),
 * otherPorts (with no listener: the ports the namespace does serve, so its server has bound elsewhere).
 */
export const portPublished: FactJoin = {
  kind: 'port.published',
  inputs: ['net.listener'],
  // Selective on healthy hosts: docker ps's header (not its rows, which every host prints), inspect's
  // binding key, the collector's namespace headings, and servers' announcements.
  markers: [
    'container id',
    '"hostport"',
    'netns container=',
    'listening',
    'listens on',
    'running on',
    'running at',
    'serving on',
    'serving at',
    'bound to',
    'started on',
    'started at',
    'addr=',
    'address=',
  ],
  join(input) {
    const ports: PublishedPort[] = [];
    const announced = new Map<number, ListenAnnouncement[]>();
    for (const { name, output } of input.sections) {
      ports.push(...publishedPorts(name, output));
      for (const a of listenAnnouncements(name, output, input.counts)) {
        const onPort = announced.get(a.port) ?? [];
        onPort.push(a);
        announced.set(a.port, onPort);
      }
    }
    const tcp = ports.filter((p) => p.protocol === 'tcp');
    if (tcp.length === 0) return [];
    // Only listings of a container's own namespace decide "none": the host's shows docker-proxy.
    const listings = namespaceListings(input.sections);
    for (const f of input.facts('net.listener')) {
      const container = containerOfScope(f.fields.scope);
      const listing = container === null ? undefined : listings.get(container);
      if (!listing) continue;
      const port = Number(f.fields.port);
      const onPort = listing.rows.get(port) ?? [];
      onPort.push({
        address: String(f.fields.address),
        port,
        at: { section: f.section, line: f.line, text: f.text },
      });
      listing.rows.set(port, onPort);
    }
    // A listing, a log or a ps row without a name joins a named one only when one container publishes.
    const publishers = new Set(tcp.map((p) => p.container));
    const single = publishers.size === 1;
    const same = (a: string | null, b: string | null) =>
      a === b || ((a === null || b === null) && single);
    const facts: Fact[] = [];
    const seen = new Set<string>();
    for (const port of tcp) {
      const key = `${port.container}\u0000${port.containerPort}`;
      if (seen.has(key)) continue; // 0.0.0.0 and :: rows of one binding
      seen.add(key);
      // A ps row without a name takes the one container listing there is, never a guess among several.
      const listing =
        port.container !== null
          ? listings.get(port.container)
          : single && listings.size === 1
            ? [...listings.values()][0]
            : undefined;
      const { listener, address, otherPorts, joined } = judge(port, listing, announced, same);
      facts.push({
        kind: 'port.published',
        section: port.at.section,
        line: port.at.line,
        text: port.at.text,
        fields: {
          container: port.container,
          hostIp: port.hostIp,
          hostPort: port.hostPort,
          containerPort: port.containerPort,
          listener,
          listenerAddress: address,
          starting: port.starting,
          otherPorts: otherPorts ?? null,
        },
        joined,
      });
      if (facts.length >= MAX_JOINED_FACTS) break;
    }
    return facts;
  },
};
