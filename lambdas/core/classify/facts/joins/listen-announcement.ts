import { LINE_CAP } from '../../scan-limits.js';
import { clip, forEachLine, type FactLine } from '../fact.js';

/** An address a server said it bound, in its own log ("Listening at: http://127.0.0.1:8000"). */
export interface ListenAnnouncement {
  /** The container whose log it is (the collector's `# logs container=NAME` heading), else null. */
  readonly container: string | null;
  readonly address: string;
  readonly port: number;
  readonly at: FactLine;
}

// The verb, then at most 40 characters, then the address: bounded from each start, so linear per line.
const ANNOUNCEMENT =
  /\b(?:listening|listens|running|serving|bound|started server|server started)\b.{0,40}?\b(?:on|at|to)\b:?[ \t]{1,8}(?:(?:https?|tcp|grpc):\/\/)?(\[[0-9a-fA-F:]{2,45}\]|[\w.-]{1,253}):(\d{1,5})\b/i;
const CONTAINER_HEADING = /^#.*\bcontainer=([\w.-]{1,128})/;

/** Whether an announced address is loopback only: nothing outside the network namespace reaches it. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) ||
    a === '::1' ||
    a === 'localhost' ||
    a === '::ffff:127.0.0.1'
  );
}

/**
 * Addresses servers announce in their logs, for the lines the incident window keeps. The listener a
 * log names is a state: the last announcement for a port is the one that holds.
 */
export function listenAnnouncements(
  section: string,
  text: string,
  counts: (section: string, line: string) => boolean,
): ListenAnnouncement[] {
  const out: ListenAnnouncement[] = [];
  let container: string | null = null;
  forEachLine(text, (raw, lineNo) => {
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    const heading = CONTAINER_HEADING.exec(line);
    if (heading) {
      container = heading[1]!;
      return;
    }
    const m = ANNOUNCEMENT.exec(line);
    if (!m || !counts(section, line)) return;
    out.push({
      container,
      address: m[1]!.replace(/^\[|\]$/g, ''),
      port: Number(m[2]),
      at: { section, line: lineNo, text: clip(line.trim()) },
    });
  });
  return out;
}
