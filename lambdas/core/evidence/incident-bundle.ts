/**
 * One incident bundle from several collectors: an EKS incident is seen from the node (the SSM
 * collector, runbooks/collectors/eks-node.sh) and from the cluster (the Kubernetes API reader's
 * k8s.* sections). Classification and the audit record want one record with both views, each
 * section traceable to its source, and a failed source recorded, never silently missing.
 */
import {
  EVIDENCE_SCHEMA,
  type EvidenceBundle,
  type EvidenceSection,
  type EvidenceTarget,
  type IncidentTime,
} from './bundle.js';

/** Where part of the evidence came from. */
export type EvidenceSourceKind = 'ssm-command' | 'kubernetes-api';

/** What one collector contributed (or why it could not). */
export interface EvidencePart {
  readonly kind: EvidenceSourceKind;
  /** The bundle it produced; absent when it produced none (SSM undeliverable, no cluster access). */
  readonly bundle?: EvidenceBundle;
  /** Why it produced no bundle, or what went wrong around it. */
  readonly error?: string;
  /** e.g. the SSM command id or the API server URL, for the audit record. */
  readonly reference?: string;
}

/** One source as recorded in the incident bundle. */
export interface EvidenceSource {
  readonly kind: EvidenceSourceKind;
  /** `collected`: every section clean; `partial`: some sections carry an error; `failed`: no bundle. */
  readonly status: 'collected' | 'partial' | 'failed';
  /** The names its sections have in the incident bundle. */
  readonly sections: readonly string[];
  /** Sections whose probe failed, with the error (collector errors kept beside the successes). */
  readonly errors: readonly { readonly section: string; readonly error: string }[];
  readonly reference?: string;
  readonly error?: string;
}

/** An evidence bundle (v1) that also says where each part came from; readers of v1 ignore `sources`. */
export interface IncidentBundle extends EvidenceBundle {
  readonly sources: readonly EvidenceSource[];
}

/** The section a source that produced nothing leaves behind, so the failure is part of the record. */
export function failedSourceSection(kind: EvidenceSourceKind): string {
  return kind === 'kubernetes-api' ? 'k8s.cluster' : 'collector.ssm';
}

/** Which source owns a section name when both produced it: the API owns k8s.*, the node everything else. */
function owner(section: string): EvidenceSourceKind {
  return section.startsWith('k8s.') ? 'kubernetes-api' : 'ssm-command';
}

const SUFFIX: Record<EvidenceSourceKind, string> = {
  'ssm-command': 'node',
  'kubernetes-api': 'api',
};

/** The node knows its instance id; the API knows the Kubernetes names (a hostname is not always the node name). */
function mergeTargets(
  targets: readonly { readonly kind: EvidenceSourceKind; readonly target: EvidenceTarget }[],
  fallback: Partial<EvidenceTarget>,
): EvidenceTarget {
  const pick = <K extends keyof EvidenceTarget>(key: K, first: EvidenceSourceKind) => {
    const ordered = [
      ...targets.filter((t) => t.kind === first),
      ...targets.filter((t) => t.kind !== first),
    ].map((t) => t.target[key]);
    return [...ordered, fallback[key]].find((v) => v !== undefined && v !== null) ?? null;
  };
  const api = 'kubernetes-api';
  return {
    platform: 'eks',
    instanceId: pick('instanceId', 'ssm-command'),
    cluster: pick('cluster', api),
    node: pick('node', api),
    namespace: pick('namespace', api),
    pod: pick('pod', api),
    container: pick('container', api),
  };
}

/**
 * Joins the node's and the cluster's evidence into one incident bundle. Sections keep their
 * names; when both sources produced the same name, the owner keeps it and the other copy is kept
 * as `<name>.node` / `<name>.api`. A source with no bundle leaves a section holding its error
 * (`k8s.cluster` for the API, `collector.ssm` for the node) so "not collected" is never silent.
 * The incident window is the node's (its collector was told the alarm time), else the API's, else
 * `incident`: without it the classifier would window back from `collectedAt` and lose the incident.
 * @example joinIncidentEvidence([{ kind: 'ssm-command', bundle: node }, { kind: 'kubernetes-api', bundle: k8s }], now)
 */
export function joinIncidentEvidence(
  parts: readonly EvidencePart[],
  collectedAt: Date,
  fallbackTarget: Partial<EvidenceTarget> = {},
  incident?: IncidentTime,
): IncidentBundle {
  const sections: Record<string, EvidenceSection> = {};
  const sources: EvidenceSource[] = [];
  const targets: { kind: EvidenceSourceKind; target: EvidenceTarget }[] = [];
  for (const part of parts) {
    if (!part.bundle) {
      const name = failedSourceSection(part.kind);
      const error = part.error ?? 'the collector produced no evidence';
      // An API section the reader did write wins over this placeholder; the placeholder never hides it.
      if (!sections[name])
        sections[name] = {
          command:
            part.kind === 'ssm-command' ? 'ssm send-command (node collector)' : 'kubernetes api',
          output: `${error}\n`,
          exitCode: 1,
          error,
        };
      sources.push({
        kind: part.kind,
        status: 'failed',
        sections: [name],
        errors: [{ section: name, error }],
        ...(part.reference ? { reference: part.reference } : {}),
        error,
      });
      continue;
    }
    targets.push({ kind: part.kind, target: part.bundle.target });
    const names: string[] = [];
    const errors: { section: string; error: string }[] = [];
    for (const [section, value] of Object.entries(part.bundle.sections)) {
      const existing = sections[section];
      let name = section;
      if (existing) {
        if (owner(section) === part.kind) {
          // The owner takes the plain name; move the earlier copy aside.
          const other = sources.find((s) => s.sections.includes(section));
          const moved = `${section}.${SUFFIX[other?.kind ?? (part.kind === 'ssm-command' ? 'kubernetes-api' : 'ssm-command')]}`;
          sections[moved] = existing;
          if (other) (other.sections as string[]).splice(other.sections.indexOf(section), 1, moved);
        } else {
          name = `${section}.${SUFFIX[part.kind]}`;
        }
      }
      sections[name] = value;
      names.push(name);
      if (value.error) errors.push({ section: name, error: value.error });
    }
    sources.push({
      kind: part.kind,
      status: errors.length > 0 ? 'partial' : 'collected',
      sections: names,
      errors,
      ...(part.reference ? { reference: part.reference } : {}),
      ...(part.error ? { error: part.error } : {}),
    });
  }
  const window =
    [...parts]
      .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'ssm-command' ? -1 : 1))
      .find((p) => p.bundle?.incident)?.bundle?.incident ?? incident;
  return {
    schema: EVIDENCE_SCHEMA,
    target: mergeTargets(targets, fallbackTarget),
    collectedAt: collectedAt.toISOString(),
    ...(window ? { incident: window } : {}),
    sections,
    sources,
  };
}
