import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

// `systemctl status` heads each unit's block with its state bullet (● active or failed in older
// systemd, ○ inactive, × failed, ↻ reloading or activating; none when piped in some versions),
// its name and description: `● docker.service - Docker Application Container Engine`.
const UNIT_HEADING =
  /^\s*(?:[●○×↻*]\s*)?([\w@.:\\-]+\.(?:service|socket|timer|mount|path|target|scope))\s+-\s/;
const ACTIVE = /^\s*Active:\s+([a-z-]+)(?:\s+\(([^)]*)\))?/;

/**
 * Units' states from `systemctl status`: one fact per unit block's `Active:` line, so a state is
 * read beside the unit it belongs to (docker.socket failed while docker.service runs says nothing
 * about the daemon). Fields: unit (`docker.service`), active (active | inactive | failed |
 * activating | deactivating | reloading), sub (the parenthesis: `running`, `dead`,
 * `Result: exit-code`), or null. An Active line with no heading above it names no unit: no fact.
 */
export const serviceUnit: FactExtractor = {
  kind: 'service.unit',
  markers: ['active:'],
  mayContain: (text) => text.includes('Active:'),
  extract(section, text) {
    const facts: Fact[] = [];
    let unit: string | null = null;
    forEachLine(text, (line, lineNo) => {
      const heading = UNIT_HEADING.exec(line);
      if (heading) {
        unit = heading[1]!;
        return;
      }
      const active = unit === null ? null : ACTIVE.exec(line);
      if (!active) return;
      facts.push({
        kind: 'service.unit',
        section,
        line: lineNo,
        text: clip(line.trim()),
        fields: { unit, active: active[1]!, sub: active[2] ?? null },
      });
      // One state per block: a later Active line (another command's, headless) is no one's.
      unit = null;
    });
    return facts;
  },
};
