import * as z from 'zod/mini';
// Imported on its own: `z.locales.en` would make bundlers keep every locale (~250 KiB in each Lambda).
import en from 'zod/v4/locales/en.js';
// zod/mini ships without messages; English ones make errors say what is wrong ("Unrecognized key: colour").
z.config(en());

import { FACT_KINDS, type MatchExpression, type Runbook } from './model.js';

const id = z
  .string()
  .check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use a kebab-case id, e.g. disk-full'));
const sectionSelector = z
  .string()
  .check(z.regex(/^(\*|[a-z0-9][a-z0-9._-]*(\.\*)?)$/, 'use a section name, "prefix.*" or "*"'));
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const condition = z.union([
  scalar,
  z.strictObject({
    eq: z.optional(scalar),
    ne: z.optional(scalar),
    gt: z.optional(z.number()),
    gte: z.optional(z.number()),
    lt: z.optional(z.number()),
    lte: z.optional(z.number()),
    match: z.optional(z.string()),
    notMatch: z.optional(z.string()),
    in: z.optional(z.array(z.union([z.string(), z.number(), z.boolean()]))),
  }),
]);

const patternMatch = z.strictObject({
  pattern: z.string().check(z.minLength(1)),
  sections: z.optional(z.array(sectionSelector)),
  unless: z.optional(z.string()),
  caseSensitive: z.optional(z.boolean()),
  minCount: z.optional(z.int().check(z.minimum(1))),
});
const factMatch = z.strictObject({
  fact: z.enum(FACT_KINDS),
  where: z.optional(z.record(z.string(), condition)),
  sections: z.optional(z.array(sectionSelector)),
  minCount: z.optional(z.int().check(z.minimum(1))),
});
const allMatch = z.strictObject({
  get all() {
    return z.array(matchExpression).check(z.minLength(1));
  },
});
const anyMatch = z.strictObject({
  get any() {
    return z.array(matchExpression).check(z.minLength(1));
  },
});
const absentMatch = z.strictObject({
  get absent() {
    return matchExpression;
  },
  in: z.array(sectionSelector).check(z.minLength(1)),
});
const unresolvedMatch = z.strictObject({
  get unresolved() {
    return matchExpression;
  },
  get resolvedBy() {
    return matchExpression;
  },
});
/** A signal's or exclusion's test (see model.ts MatchExpression). */
export const matchExpression: z.ZodMiniType<MatchExpression> = z.union([
  patternMatch,
  factMatch,
  allMatch,
  anyMatch,
  absentMatch,
  unresolvedMatch,
]);

const signalSubject = z.enum(['target', 'workload', 'node']);
const signal = z.strictObject({
  id,
  description: z.string().check(z.minLength(1)),
  weight: z.number().check(z.gt(0), z.lte(1)),
  match: matchExpression,
  about: z.optional(signalSubject),
});
const ruleOut = z.strictObject({
  id,
  description: z.string().check(z.minLength(1)),
  match: matchExpression,
  penalty: z.optional(z.number().check(z.gte(0), z.lt(1))),
});
const step = z.strictObject({
  action: id,
  description: z.optional(z.string()),
  params: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
});

const precondition = z.strictObject({
  id,
  description: z.string().check(z.minLength(1)),
  match: matchExpression,
  expect: z.enum(['present', 'absent']),
  actions: z.optional(z.array(id).check(z.minLength(1))),
});

/** Structural schema of `runbooks/<id>.yaml`. Cross references are checked by validateRunbooks. */
export const runbookSchema = z.strictObject({
  $schema: z.optional(z.string()),
  id,
  title: z.string().check(z.minLength(1)),
  platform: z.enum(['docker', 'eks', 'any']),
  summary: z.string().check(z.minLength(1)),
  why: z.string().check(z.minLength(1)),
  evidence: z.strictObject({ sections: z.array(sectionSelector).check(z.minLength(1)) }),
  about: z.optional(signalSubject),
  signals: z.array(signal).check(z.minLength(1)),
  rulesOut: z._default(z.array(ruleOut), []),
  supersededBy: z._default(z.array(id), []),
  remediation: z.strictObject({
    safety: z.enum(['automatic', 'approval', 'report-only']),
    summary: z.string().check(z.minLength(1)),
    steps: z.array(step).check(z.minLength(1)),
    guards: z._default(
      z.strictObject({
        cooldownMinutes: z._default(z.int().check(z.minimum(0)), 30),
        maxTargets: z._default(z.int().check(z.minimum(1)), 10),
        maxFailuresPerDay: z._default(z.int().check(z.minimum(1)), 3),
      }),
      { cooldownMinutes: 30, maxTargets: 10, maxFailuresPerDay: 3 },
    ),
    preconditions: z._default(z.array(precondition), []),
  }),
  verify: z.strictObject({
    description: z.string().check(z.minLength(1)),
    collect: z.array(sectionSelector),
    expectCleared: z._default(z.boolean(), true),
    checks: z._default(
      z.array(
        z.strictObject({
          description: z.string(),
          match: matchExpression,
          expect: z.enum(['present', 'absent']),
        }),
      ),
      [],
    ),
  }),
  references: z._default(z.array(z.string()), []),
  // CloudWatch names are letters, digits and . - _ / # : (namespaces also spaces); `*` is the only wildcard.
  explains: z.optional(
    z
      .array(
        z.strictObject({
          namespace: z
            .string()
            .check(
              z.regex(
                /^[A-Za-z0-9_./#: *-]{1,255}$/,
                'a CloudWatch namespace, `*` for any characters (e.g. CWAgent, AWS/EC2, ContainerInsights)',
              ),
            ),
          metric: z
            .string()
            .check(
              z.regex(
                /^[A-Za-z0-9_./#:%*-]{1,255}$/,
                'a CloudWatch metric name, `*` for any characters (e.g. disk_used_percent, node_filesystem_*)',
              ),
            ),
        }),
      )
      .check(z.minLength(1)),
  ),
});

/** The parsed shape before cross-reference validation. */
export type RunbookDocument = z.infer<typeof runbookSchema>;

/** Narrows a structurally valid document to the model (drops `$schema`). */
export function toRunbook(doc: RunbookDocument): Runbook {
  const { $schema: _ignored, ...rest } = doc;
  return rest as Runbook;
}
