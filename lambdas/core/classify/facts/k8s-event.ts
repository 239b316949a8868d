import { eventRecords, eventRowTiming, type EventTiming } from '../event-timing.js';
import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function fields(t: EventTiming): Fact['fields'] {
  const first = t.firstSeenAgoMs ?? t.lastSeenAgoMs;
  return {
    type: t.type,
    reason: t.reason,
    detail: t.detail,
    count: t.count,
    lastSeenAgoSeconds: seconds(t.lastSeenAgoMs),
    firstSeenAgoSeconds: seconds(first),
    // How long the series has been recurring (0 for one occurrence or one burst).
    activeSeconds:
      t.lastSeenAt !== null && t.firstSeenAt !== null
        ? seconds(t.lastSeenAt - t.firstSeenAt)
        : first !== null && t.lastSeenAgoMs !== null
          ? seconds(first - t.lastSeenAgoMs)
          : null,
    lastSeen: iso(t.lastSeenAt),
    firstSeen: iso(t.firstSeenAt),
  };
}

/**
 * Kubernetes events with their age and count: one fact per row of an events table (describe's
 * Events, `kubectl get events`, `kubectl events`, pre-1.14 layouts) and per Event object (YAML,
 * JSON, a watch). Read from k8s.* sections only. The engine places each in the incident window
 * (incident-window.ts): an event last seen before it yields no fact.
 */
export const k8sEvent: FactExtractor = {
  kind: 'k8s.event',
  // kubectl pads its columns with two spaces or more (or tabs); a bare "warning" is in every log.
  markers: ['normal  ', 'warning  ', 'normal\t', 'warning\t', 'involvedobject'],
  mayContain: (text) => /\b(Normal|Warning)\b|involvedObject/.test(text),
  extract(section, text) {
    if (!section.startsWith('k8s.')) return [];
    const facts: Fact[] = [];
    forEachLine(text, (line, lineNo) => {
      const timing = eventRowTiming(line);
      if (timing)
        facts.push({
          kind: 'k8s.event',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: fields(timing),
        });
    });
    for (const r of eventRecords(text))
      facts.push({
        kind: 'k8s.event',
        section,
        line: r.messageLine,
        text: clip(r.message ?? ''),
        fields: fields(r),
      });
    return facts;
  },
};
