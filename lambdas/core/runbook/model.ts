/**
 * The runbook model: what `runbooks/<id>.yaml` declares once validated.
 * A runbook says how to recognise one failure class from evidence (signals), what rules it out,
 * what to do about it (typed steps from the action catalogue) and how to know it worked.
 */

/** Facts the classifier parses from known command outputs (see classify/facts/). */
export const PARSED_FACT_KINDS = [
  'disk.usage',
  'net.listener',
  'net.interface',
  'container.state',
  'pod.container',
  'node.condition',
  'node.taint',
  'io.writer',
  'loop.devices',
  'dns.lookup',
  'proxy.setting',
  'proxy.request',
  'netpol.isolation',
  'netpol.verdict',
  'group.share',
  'k8s.event',
  'service.unit',
] as const;
/** One of PARSED_FACT_KINDS: read from one section's text. */
export type ParsedFactKind = (typeof PARSED_FACT_KINDS)[number];
/**
 * Facts joined across sections (see classify/facts/joins): a published port with its listener,
 * a Service's selector with the pods' labels, a configured proxy with the dial that failed, a
 * daemon's failing request with its own NO_PROXY, an ingress's backend with the Services listed, a
 * kubelet's eviction thresholds with df, a daemon's unit proxy value with the environment the daemon
 * really got, the resolver pods are given with the cluster DNS Service's address.
 */
export const JOINED_FACT_KINDS = [
  'port.published',
  'service.selection',
  'proxy.dial',
  'proxy.routed',
  'ingress.backend',
  'disk.eviction',
  'proxy.dropped',
  'dns.resolver',
] as const;
/** One of JOINED_FACT_KINDS. */
export type JoinedFactKind = (typeof JOINED_FACT_KINDS)[number];
/** Every fact kind a runbook may name. */
export const FACT_KINDS = [...PARSED_FACT_KINDS, ...JOINED_FACT_KINDS] as const;
/** One of FACT_KINDS. */
export type FactKind = (typeof FACT_KINDS)[number];

/** A scalar, or a comparison, applied to one field of a fact. */
export type Condition =
  | string
  | number
  | boolean
  | null
  | {
      readonly eq?: string | number | boolean | null;
      readonly ne?: string | number | boolean | null;
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
      readonly match?: string;
      readonly notMatch?: string;
      readonly in?: readonly (string | number | boolean)[];
    };

/** A regular expression over the lines of the selected sections. */
export interface PatternMatch {
  readonly pattern: string;
  /** Section names, `prefix.*` or `*`; default all sections. */
  readonly sections?: readonly string[];
  /** The line does not count when it also matches this. */
  readonly unless?: string;
  readonly caseSensitive?: boolean;
  /** Lines needed; default 1. */
  readonly minCount?: number;
}
/** Facts of one kind whose fields satisfy every condition. */
export interface FactMatch {
  readonly fact: FactKind;
  readonly where?: Readonly<Record<string, Condition>>;
  readonly sections?: readonly string[];
  readonly minCount?: number;
}
/** Every sub-expression matches. */
export interface AllMatch {
  readonly all: readonly MatchExpression[];
}
/** At least one sub-expression matches. */
export interface AnyMatch {
  readonly any: readonly MatchExpression[];
}
/** Holds when the inner expression finds nothing, and only if one of `in` was collected. */
export interface AbsentMatch {
  readonly absent: MatchExpression;
  readonly in: readonly string[];
}

/**
 * Holds by the evidence of `unresolved` that no evidence of `resolvedBy` follows (later in time,
 * or later in the same section): a pull that failed and then completed, a daemon that failed and
 * then started, is a healthy signature, not a failure. A `minCount` on `unresolved` counts the
 * lines no success follows.
 * @example { unresolved: { pattern: 'server gave HTTP response' }, resolvedBy: { pattern: 'Pull complete' } }
 */
export interface UnresolvedMatch {
  readonly unresolved: MatchExpression;
  readonly resolvedBy: MatchExpression;
}

/** What a signal or an exclusion tests. */
export type MatchExpression =
  | PatternMatch
  | FactMatch
  | AllMatch
  | AnyMatch
  | AbsentMatch
  | UnresolvedMatch;

/** Evidence that identifies the failure. Confidence combines matched weights (noisy-OR). */
export interface Signal {
  readonly id: string;
  readonly description: string;
  /** 0..1. Above the threshold (0.5) alone is enough; below it needs company. */
  readonly weight: number;
  readonly match: MatchExpression;
  /** What a line must be about to count in full; default: the runbook's `about`. */
  readonly about?: SignalSubject;
}

/**
 * What a signal's evidence must be about to count at full weight when the bundle names the alarmed
 * target; otherwise it counts as context, a tenth of its weight.
 * - `target`: the line names the alarmed container or pod (an OOM kill, an exit code, a restart).
 * - `workload`: the line names no other pod, container, image or node (a pull, a crash loop, a
 *   probe): a node's kubelet logs every tenant's failures, and another's is not the target's.
 * - `node` (the default): the line names no other node; any tenant's line on the target's node may
 *   prove a node-wide failure (a full disk, a runtime down, a registry the node cannot resolve).
 */
export type SignalSubject = 'target' | 'workload' | 'node';

/** Evidence that this is a different failure; multiplies confidence by `penalty` (default 0). */
export interface RuleOut {
  readonly id: string;
  readonly description: string;
  readonly match: MatchExpression;
  readonly penalty?: number;
}

/** How a runbook's remediation may run. */
export type SafetyMode = 'automatic' | 'approval' | 'report-only';

/** One typed step from the action catalogue. */
export interface RemediationStep {
  readonly action: string;
  readonly description?: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** Limits the planner enforces before anything runs. */
export interface RemediationGuards {
  /** Minutes to wait before the same runbook may act on the same target again. */
  readonly cooldownMinutes: number;
  /** Most targets one execution may change. */
  readonly maxTargets: number;
  /** After this many failed remediations in 24 h on a target, only escalate. */
  readonly maxFailuresPerDay: number;
}

/**
 * A condition every target must meet before a step may change it, tested on the target's triage
 * evidence with the signals' expression language. A target that fails one (or whose evidence
 * cannot decide it) is held out of the plan.
 * @example { id: not-protected, description: never a container labelled paramedic.io/protected=true,
 *   match: { pattern: '"paramedic\\.io/protected":\\s*"true"', sections: [docker.inspect] }, expect: absent }
 */
export interface Precondition {
  readonly id: string;
  readonly description: string;
  readonly match: MatchExpression;
  /** `present`: the step may run only when this matches; `absent`: only when it does not. */
  readonly expect: 'present' | 'absent';
  /** Catalogue actions it guards; default every step that changes something. */
  readonly actions?: readonly string[];
}

/** What to do about the failure. */
export interface Remediation {
  readonly safety: SafetyMode;
  readonly summary: string;
  readonly steps: readonly RemediationStep[];
  readonly guards: RemediationGuards;
  /** Absent in hand-built runbooks; the schema defaults it to none. */
  readonly preconditions?: readonly Precondition[];
}

/** A check run after remediation on freshly collected evidence. */
export interface VerifyCheck {
  readonly description: string;
  readonly match: MatchExpression;
  /** `absent`: the fix worked when this no longer matches. */
  readonly expect: 'present' | 'absent';
}

/** How to know the fix worked. */
export interface Verification {
  readonly description: string;
  /** Sections to collect again. */
  readonly collect: readonly string[];
  /** When true, the runbook must no longer classify the new evidence. */
  readonly expectCleared: boolean;
  readonly checks: readonly VerifyCheck[];
}

/** A validated runbook. */
export interface Runbook {
  readonly id: string;
  readonly title: string;
  readonly platform: 'docker' | 'eks' | 'any';
  readonly summary: string;
  readonly why: string;
  readonly evidence: { readonly sections: readonly string[] };
  /** What its signals' evidence must be about unless a signal says; absent: `node`. */
  readonly about?: SignalSubject;
  readonly signals: readonly Signal[];
  readonly rulesOut: readonly RuleOut[];
  /** When one of these runbooks also matches, it is the more specific diagnosis; this one halves. */
  readonly supersededBy: readonly string[];
  readonly remediation: Remediation;
  readonly verify: Verification;
  readonly references: readonly string[];
  /** The CloudWatch metrics whose alarms this failure class can explain (`paramedic coverage`); absent: none declared. */
  readonly explains?: readonly MetricPattern[];
}

/**
 * A CloudWatch metric namespace and name, each literal with `*` for any run of characters.
 * @example { namespace: 'CWAgent', metric: 'disk_*' }
 */
export interface MetricPattern {
  readonly namespace: string;
  readonly metric: string;
}

/** True for a pattern leaf. */
export function isPattern(m: MatchExpression): m is PatternMatch {
  return 'pattern' in m;
}
/** True for a fact leaf. */
export function isFact(m: MatchExpression): m is FactMatch {
  return 'fact' in m;
}
