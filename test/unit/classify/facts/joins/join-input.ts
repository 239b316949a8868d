import type { Fact } from '../../../../../lambdas/core/classify/facts/fact.js';
import { FACT_EXTRACTORS } from '../../../../../lambdas/core/classify/facts/index.js';
import type {
  FactJoin,
  JoinInput,
} from '../../../../../lambdas/core/classify/facts/joins/fact-join.js';

/** A join's input as the engine builds it: the real extractors over every section. */
export function joinInput(
  sections: Record<string, string>,
  counts: JoinInput['counts'] = () => true,
): JoinInput {
  const list = Object.entries(sections).map(([name, output]) => ({ name, output }));
  return {
    facts: (kind) =>
      list.flatMap(({ name, output }) =>
        FACT_EXTRACTORS[kind].mayContain(output) ? FACT_EXTRACTORS[kind].extract(name, output) : [],
      ),
    sections: list,
    allSections: list,
    counts,
  };
}

/** The fields of every fact a join derives from the sections. */
export const joined = (
  join: FactJoin,
  sections: Record<string, string>,
  counts?: JoinInput['counts'],
): Fact['fields'][] => join.join(joinInput(sections, counts)).map((f) => f.fields);
