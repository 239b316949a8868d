/**
 * The evidence schemas as zod/mini declared them until 2026-12-05, and parseEvidenceDocument as it
 * read documents with them: the reference lambdas/core/evidence/document-shapes.ts is held to
 * (test/unit/evidence/document-shapes.test.ts). Messages in zod's English, as a process that
 * configured the locale showed them (the Lambdas did not, and said "Invalid input").
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  EVIDENCE_SCHEMA,
  type EvidenceBundle,
  type EvidenceSection,
  EvidenceFormatError,
  type IncidentTime,
  type LabelledCase,
} from '../../lambdas/core/evidence/bundle.js';

const ENGLISH = { error: en().localeError };

const sectionSchema = z.object({
  command: z.optional(z.nullable(z.string())),
  exitCode: z.optional(z.nullable(z.number())),
  output: z.string(),
  truncated: z.optional(z.boolean()),
  error: z.optional(z.nullable(z.string())),
  durationMs: z.optional(z.number().check(z.gte(0))),
});

const optionalName = z.optional(z.nullable(z.string()));
const targetSchema = z.object({
  platform: z.enum(['docker', 'eks']),
  instanceId: optionalName,
  cluster: optionalName,
  node: optionalName,
  namespace: optionalName,
  pod: optionalName,
  container: optionalName,
  containerId: optionalName,
});

const incidentSchema = z.object({
  at: z.string(),
  lookbackMinutes: z.optional(z.number().check(z.gte(0))),
  remediatedAt: z.optional(z.nullable(z.string())),
});

const sectionNameSchema = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9._-]{0,63}$/,
      'section names are lower-case words joined by . _ or -, e.g. docker.journal',
    ),
  );
const sectionsSchema = z.record(sectionNameSchema, sectionSchema);

const bundleSchema = z.object({
  schema: z.literal(EVIDENCE_SCHEMA),
  target: targetSchema,
  collectedAt: z.string(),
  incident: z.optional(incidentSchema),
  sections: sectionsSchema,
});

const caseSchema = z.object({
  id: z.optional(z.string()),
  label: z.nullable(z.string()),
  platform: z.optional(z.enum(['docker', 'eks'])),
  source: z.optional(z.string()),
  note: z.optional(z.string()),
  // A case taken from a live host keeps its times, so its stale lines are judged as the host's would be.
  collectedAt: z.optional(z.string()),
  incident: z.optional(incidentSchema),
  sections: sectionsSchema,
});

function describeIssue(error: z.core.$ZodError): EvidenceFormatError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  return new EvidenceFormatError(issue?.message ?? 'invalid evidence', path);
}

/**
 * parseEvidenceDocument as it was with zod (2026-12-04).
 * @example parseEvidenceDocument(JSON.parse(text), 'case-01')
 * @throws EvidenceFormatError naming the first offending path.
 */
export function zodParseEvidenceDocument(
  doc: unknown,
  fallbackId = 'case',
): { bundle: EvidenceBundle; labelled?: LabelledCase } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new EvidenceFormatError(
      'expected a JSON object with "sections" (an evidence bundle or a labelled case)',
      '',
    );
  }
  const record = doc as Record<string, unknown>;
  if ('label' in record) {
    const parsed = caseSchema.safeParse(doc, ENGLISH);
    if (!parsed.success) throw describeIssue(parsed.error);
    const c = parsed.data;
    const bundle: EvidenceBundle = {
      schema: EVIDENCE_SCHEMA,
      target: { platform: c.platform ?? 'docker' },
      // Without a collection time a case is not windowed: the epoch is the "no time" placeholder.
      collectedAt: c.collectedAt ?? '1970-01-01T00:00:00Z',
      ...(c.incident ? { incident: c.incident as IncidentTime } : {}),
      sections: c.sections as Record<string, EvidenceSection>,
    };
    return {
      bundle,
      labelled: { id: c.id ?? fallbackId, label: c.label, bundle, source: c.source, note: c.note },
    };
  }
  if (!('schema' in record)) {
    throw new EvidenceFormatError(`missing "schema": expected "${EVIDENCE_SCHEMA}"`, '');
  }
  if (record.schema !== EVIDENCE_SCHEMA) {
    throw new EvidenceFormatError(
      `unsupported schema ${JSON.stringify(record.schema)}: expected "${EVIDENCE_SCHEMA}"`,
      'schema',
    );
  }
  const parsed = bundleSchema.safeParse(doc, ENGLISH);
  if (!parsed.success) throw describeIssue(parsed.error);
  return { bundle: parsed.data as EvidenceBundle };
}
