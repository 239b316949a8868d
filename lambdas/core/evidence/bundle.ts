import {
  boolean,
  nullable,
  number,
  object,
  oneOf,
  optional,
  record,
  type Shape,
  ShapeError,
  string,
} from './document-shapes.js';

/** Schema id every evidence bundle carries (docs/evidence-bundle.md). */
export const EVIDENCE_SCHEMA = 'paramedic.evidence/v1';

/** Where the evidence came from: an EC2 Docker host or an EKS node/workload. */
export type Platform = 'docker' | 'eks';

/** What one probe printed. Only `output` is required. */
export interface EvidenceSection {
  readonly command?: string;
  readonly exitCode?: number | null;
  readonly output: string;
  readonly truncated?: boolean;
  /** Set by collectors when the probe could not run (tool missing, timed out). */
  readonly error?: string;
  /** How long the probe took, in ms (the collectors record it: where a collection spends its time). */
  readonly durationMs?: number;
}

/** The target the evidence describes. */
export interface EvidenceTarget {
  readonly platform: Platform;
  readonly instanceId?: string | null;
  readonly cluster?: string | null;
  readonly node?: string | null;
  readonly namespace?: string | null;
  readonly pod?: string | null;
  readonly container?: string | null;
  /** Full id of the alarmed container, when the collector could resolve `container`. */
  readonly containerId?: string | null;
}

/**
 * When the incident happened, so that only evidence of its window proves it. Absent on recorded
 * bundles and manual collects: they are windowed back from `collectedAt`.
 */
export interface IncidentTime {
  /** The alarm's state-change time, or the start of a manual run (RFC 3339). */
  readonly at: string;
  /** How far before `at` evidence still counts; default 15. */
  readonly lookbackMinutes?: number;
  /** Set on evidence collected to verify a fix: only lines logged after it count. */
  readonly remediatedAt?: string | null;
}

/** One evidence bundle, v1. */
export interface EvidenceBundle {
  readonly schema: typeof EVIDENCE_SCHEMA;
  readonly target: EvidenceTarget;
  readonly collectedAt: string;
  readonly incident?: IncidentTime;
  readonly sections: Readonly<Record<string, EvidenceSection>>;
}

/** A labelled case: the corpus format (`shared/corpus/dev/*.json`), a bundle plus its expected runbook. */
export interface LabelledCase {
  readonly id: string;
  /** Expected top runbook id, or null when nothing should be classified. */
  readonly label: string | null;
  readonly bundle: EvidenceBundle;
  readonly source?: string;
  readonly note?: string;
}

/** Section names the collectors and the Kubernetes reader produce (the spec's canonical list). */
export const CANONICAL_SECTIONS = [
  'host.os',
  'host.services',
  'docker.cli',
  'docker.journal',
  'docker.daemon-config',
  'docker.ps',
  'docker.inspect',
  'docker.logs',
  'docker.events',
  'docker.system-df',
  'disk.df',
  'disk.inodes',
  'disk.usage',
  'net.sockets',
  'net.addr',
  'net.dns',
  'net.proxy',
  'net.probe',
  'kernel.log',
  'kernel.loop',
  'security.selinux',
  'security.groups',
  'trace.syscalls',
  'io.block',
  'kubelet.journal',
  'kubelet.config',
  'containerd.journal',
  'cni.ipamd',
  'cni.policy-verdicts',
  'crictl.ps',
  'k8s.node',
  'k8s.pods',
  'k8s.events',
  'k8s.pod-logs',
  'k8s.networkpolicies',
  'k8s.services',
  'k8s.cluster',
] as const;

const sectionShape = object({
  command: optional(nullable(string())),
  exitCode: optional(nullable(number())),
  output: string(),
  truncated: optional(boolean()),
  error: optional(nullable(string())),
  durationMs: optional(number(0)),
});

const optionalName = optional(nullable(string()));
const targetShape = object({
  platform: oneOf(['docker', 'eks']),
  instanceId: optionalName,
  cluster: optionalName,
  node: optionalName,
  namespace: optionalName,
  pod: optionalName,
  container: optionalName,
  containerId: optionalName,
});

const incidentShape = object({
  at: string(),
  lookbackMinutes: optional(number(0)),
  remediatedAt: optional(nullable(string())),
});

const sectionNameShape = string(
  /^[a-z0-9][a-z0-9._-]{0,63}$/,
  'section names are lower-case words joined by . _ or -, e.g. docker.journal',
);
const sectionsShape = record(sectionNameShape, sectionShape);

const bundleShape = object({
  schema: oneOf([EVIDENCE_SCHEMA]),
  target: targetShape,
  collectedAt: string(),
  incident: optional(incidentShape),
  sections: sectionsShape,
});

const caseShape = object({
  id: optional(string()),
  label: nullable(string()),
  platform: optional(oneOf(['docker', 'eks'])),
  source: optional(string()),
  note: optional(string()),
  // A case taken from a live host keeps its times, so its stale lines are judged as the host's would be.
  collectedAt: optional(string()),
  incident: optional(incidentShape),
  sections: sectionsShape,
});

/** Why a document is not an evidence bundle; `path` points into the document. */
export class EvidenceFormatError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${message} at ${path}` : message);
    this.name = 'EvidenceFormatError';
  }
}

/** `shape`'s reading of `doc`, or the first problem as an {@link EvidenceFormatError}. */
function readAs<T>(shape: Shape<T>, doc: unknown): T {
  try {
    return shape.read(doc, []);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new EvidenceFormatError(error.message, error.path.join('.'));
  }
}

/**
 * Validates a parsed JSON document as an evidence bundle or a labelled case.
 * @example parseEvidenceDocument(JSON.parse(text), 'case-01')
 * @throws EvidenceFormatError naming the first offending path.
 */
export function parseEvidenceDocument(
  doc: unknown,
  fallbackId = 'case',
): { bundle: EvidenceBundle; labelled?: LabelledCase } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new EvidenceFormatError(
      'expected a JSON object with "sections" (an evidence bundle or a labelled case)',
      '',
    );
  }
  const fields = doc as Record<string, unknown>;
  if ('label' in fields) {
    const c = readAs(caseShape, doc);
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
  if (!('schema' in fields)) {
    throw new EvidenceFormatError(`missing "schema": expected "${EVIDENCE_SCHEMA}"`, '');
  }
  if (fields.schema !== EVIDENCE_SCHEMA) {
    throw new EvidenceFormatError(
      `unsupported schema ${JSON.stringify(fields.schema)}: expected "${EVIDENCE_SCHEMA}"`,
      'schema',
    );
  }
  return { bundle: readAs(bundleShape, doc) as EvidenceBundle };
}
