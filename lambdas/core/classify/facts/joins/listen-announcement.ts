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

// A verb, then within a few words a preposition, then the address token. Scanned with a global
// regex that only advances, each verb looked at in a bounded window: linear in the line.
const VERB = /\b(?:listening|listens|running|serving|bound|started)\b/gi;
const PREPOSITION = /^(?:on|at|to):?$/i;
const ADDRESS =
  /^(?:(?:https?|tcp|grpc):\/\/)?(\[[0-9a-fA-F:]{2,45}\]|[\w.-]{1,253}):(\d{1,5})(?:$|[^\d])/;
/** Words looked at after a verb for the preposition; the address is the word after it. */
const WINDOW_WORDS = 6;

// Structured loggers (slog, logfmt, zap) put the address in a key of the same record:
// `msg="Ready to serve requests" addr=http://localhost:6001`. Only with a verb of serving in the line.
const KV_VERB = /\b(?:listening|listens|listen|running|serving|serve|bound|started|ready)\b/i;
const KV_KEY = /\b(?:addr|address|listen_?addr|bind_?addr|bind)=["']?/gi;

/** The address a structured record names in an address key beside a verb of serving, or null. */
function keyedAddress(line: string): { address: string; port: number } | null {
  if (!KV_VERB.test(line)) return null;
  KV_KEY.lastIndex = 0;
  for (let key = KV_KEY.exec(line); key; key = KV_KEY.exec(line)) {
    const token = line.slice(KV_KEY.lastIndex, KV_KEY.lastIndex + 320).split(/[\s"',]/, 1)[0];
    const m = token ? ADDRESS.exec(token) : null;
    if (m) return { address: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  }
  return null;
}

/** The address a line announces (`Server listening on 127.0.0.1:9700`, `addr=localhost:6001`), or null. */
function announcedAddress(line: string): { address: string; port: number } | null {
  const keyed = keyedAddress(line);
  if (keyed) return keyed;
  VERB.lastIndex = 0;
  for (let verb = VERB.exec(line); verb; verb = VERB.exec(line)) {
    const words = line
      .slice(VERB.lastIndex, VERB.lastIndex + 320)
      .trim()
      .split(/[ \t]+/, WINDOW_WORDS + 1);
    const at = words.findIndex((w) => PREPOSITION.test(w));
    const token = at >= 0 ? words[at + 1] : undefined;
    const m = token ? ADDRESS.exec(token) : null;
    if (m) return { address: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  }
  return null;
}

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
    const announced = announcedAddress(line);
    if (!announced || !counts(section, line)) return;
    out.push({ container, ...announced, at: { section, line: lineNo, text: clip(line.trim()) } });
  });
  return out;
}
