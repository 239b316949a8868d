/**
 * When did a container's recorded termination happen? `kubectl describe pod` keeps a container's
 * `Last State: Terminated` (Reason: OOMKilled, Exit Code: 137) until its next restart, days later;
 * `docker inspect` keeps an exited container's State (OOMKilled, ExitCode, Error) until it is
 * removed. Their Reason / OOMKilled / Error lines carry no timestamp, so without this they read as
 * "now". The block's own `Finished:` / `finishedAt` / `FinishedAt` (or, when that is all, its start)
 * says when that state came about: every line of the block is placed there.
 * Pure and linear: one pass over a section, anchored regexes per line.
 */
import { forEachLine } from './facts/fact.js';

// describe's `State:` / `Last State:` Terminated; a pod object's `terminated:` (YAML or JSON); an
// inspect entry's `"State": {` (only an exited one is dated: see `current` below).
const TERMINATED_DESCRIBE = /^\s*(?:Last )?State:\s+Terminated\b/;
const TERMINATED_OBJECT = /^\s*"?terminated"?:\s*\{?\s*$/;
const INSPECT_STATE = /^\s*"State":\s*\{\s*$/;
const FINISHED = /^\s*"?(?:Finished|finishedAt|FinishedAt)"?:\s*"?([^"]*?)"?,?\s*$/;
const STARTED = /^\s*"?(?:Started|startedAt|StartedAt)"?:\s*"?([^"]*?)"?,?\s*$/;
// An inspect State that is running (or paused) is the container now, whatever FinishedAt says:
// docker keeps the previous run's FinishedAt across a restart.
const RUNNING = /^\s*"(?:Status":\s*"(?:running|paused)"|Running":\s*true)/;
// Only a stamp with its zone: describe prints `Fri, 20 Nov 2026 03:12:39 +0000`, the API and
// docker RFC 3339. A zone-less one would be read in this machine's zone.
const ZONED = /(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$/;

/** An absolute time in ms, or null: none, zone-less, or Go's zero time (never finished). */
function absoluteTime(text: string): number | null {
  const trimmed = text.trim();
  if (!ZONED.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

interface OpenBlock {
  readonly firstLine: number;
  readonly indent: number;
  lastLine: number;
  finished: number | null;
  started: number | null;
  current: boolean;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * The lines of each dated terminated container state in `text`, mapped to when it ended (ms).
 * A state without a time stays out (nothing says it is old), as does a running inspect State.
 * @example endedStateTimes('    Last State:  Terminated\n      Reason:  OOMKilled\n      Finished:  Fri, 20 Nov 2026 03:12:39 +0000').get(2) // 20 Nov 03:12:39
 */
export function endedStateTimes(text: string): Map<number, number> {
  const times = new Map<number, number>();
  let block: OpenBlock | null = null;
  const close = () => {
    const at = block && !block.current ? (block.finished ?? block.started) : null;
    if (block && at !== null)
      for (let l = block.firstLine; l <= block.lastLine; l++) times.set(l, at);
    block = null;
  };
  forEachLine(text, (line, lineNo) => {
    if (line.trim() === '') return;
    const indent = indentOf(line);
    if (block && indent <= block.indent) {
      // A JSON object's closing brace is still its block.
      if (/^\s*\}/.test(line)) block.lastLine = lineNo;
      close();
    }
    if (
      TERMINATED_DESCRIBE.test(line) ||
      TERMINATED_OBJECT.test(line) ||
      INSPECT_STATE.test(line)
    ) {
      close();
      block = {
        firstLine: lineNo,
        lastLine: lineNo,
        indent,
        finished: null,
        started: null,
        current: false,
      };
      return;
    }
    if (!block) return;
    block.lastLine = lineNo;
    const finished = FINISHED.exec(line);
    if (finished) block.finished = absoluteTime(finished[1]!);
    const started = STARTED.exec(line);
    if (started) block.started = absoluteTime(started[1]!);
    if (RUNNING.test(line)) block.current = true;
  });
  close();
  return times;
}
