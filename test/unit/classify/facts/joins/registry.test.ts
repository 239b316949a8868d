import { describe, expect, it } from 'vitest';
import { FACT_EXTRACTORS, FACT_JOINS } from '../../../../../lambdas/core/classify/facts/index.js';
import {
  FACT_KINDS,
  JOINED_FACT_KINDS,
  PARSED_FACT_KINDS,
} from '../../../../../lambdas/core/runbook/model.js';

describe('fact registry', () => {
  it('gives every fact kind exactly one source: a parser or a join', () => {
    expect(Object.keys(FACT_EXTRACTORS).sort()).toEqual([...PARSED_FACT_KINDS].sort());
    expect(Object.keys(FACT_JOINS).sort()).toEqual([...JOINED_FACT_KINDS].sort());
    expect(new Set(FACT_KINDS).size).toBe(PARSED_FACT_KINDS.length + JOINED_FACT_KINDS.length);
    for (const [kind, source] of [
      ...Object.entries(FACT_EXTRACTORS),
      ...Object.entries(FACT_JOINS),
    ])
      expect(source.kind).toBe(kind);
  });

  it('lets joins read parsed facts only, and gives each a lower-case marker to start from', () => {
    for (const join of Object.values(FACT_JOINS)) {
      for (const input of join.inputs) expect(PARSED_FACT_KINDS).toContain(input);
      expect(join.markers.length).toBeGreaterThan(0);
      for (const marker of join.markers) expect(marker).toBe(marker.toLowerCase());
    }
  });
});
