/**
 * The evidence collector documents, and what every command document shares: its shape, its typed
 * parameters and how values are checked against them ({@link resolveDocumentParameters}), and the
 * parameters that anchor evidence to the incident. Apart from the catalogue of every document
 * (collector-documents.ts), which builds one document per host action of the action catalogue
 * when it loads: a function that only collects evidence (Collect, CollectSend, VerifySend) would
 * load the whole action catalogue and never read it.
 */
import { catalogueDocumentName, DOCUMENT_PREFIX } from './document-names.js';

/** Where a document runs: an EC2 Docker host, an EKS node, or either. */
export type DocumentPlatform = 'docker' | 'eks' | 'any';

/** One typed document parameter, mirrored into the SSM document's `parameters`. */
export interface DocumentParameter {
  /** Always `String`: SSM validates strings against allowedPattern before the script sees them. */
  readonly type: 'String';
  /** Anchored pattern; `default`, when given, must match it (checked at synth). */
  readonly allowedPattern: string;
  /** Absent: the parameter is required (SSM rejects a command without it). */
  readonly default?: string;
  readonly description: string;
  /** Environment variable the script reads (`PARAMEDIC_<UPPER_SNAKE_NAME>`). */
  readonly env: string;
  /** A log file the collector reads, which a deployment may set for every collection (`collectorLogs`). */
  readonly logFile?: true;
  /** Inclusive bounds for integer parameters, checked again by the script. */
  readonly min?: number;
  readonly max?: number;
}

/** A collector or action document. */
export interface CommandDocument {
  /** SSM document name, e.g. `Paramedic-CollectDockerHost`. */
  readonly documentName: string;
  readonly kind: 'collector' | 'action';
  readonly description: string;
  /** Script path relative to the repository root. */
  readonly script: string;
  readonly platform: DocumentPlatform;
  readonly parameters: Readonly<Record<string, DocumentParameter>>;
  /** Execution timeout the document declares (inside it, each collector section has a 10 s budget and the whole run 40 s). */
  readonly timeoutSeconds: number;
  /**
   * Action documents: the script's own time limit, seconds (the action's `maxSeconds`), given to it
   * as PARAMEDIC_TIME_LIMIT_SECONDS: its changes are cut to fit before SSM's timeoutSeconds.
   */
  readonly timeLimitSeconds?: number;
  /** For action documents: the catalogue action ids this document serves. */
  readonly actions?: readonly string[];
}

/** `olderThanHours` -> `PARAMEDIC_OLDER_THAN_HOURS`. */
export function envNameOf(parameter: string): string {
  return `PARAMEDIC_${parameter.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** A document parameter named `name`: always a String, read by the script from {@link envNameOf}. */
export function documentParameter(
  name: string,
  p: Omit<DocumentParameter, 'type' | 'env'>,
): [string, DocumentParameter] {
  return [name, { type: 'String', env: envNameOf(name), ...p }];
}

const CONTAINER_PATTERN = '^$|^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$';
const PID_PATTERN = '^$|^[1-9][0-9]{0,9}$';
const SINCE_PATTERN = '^[0-9]{1,5}$';
/** RFC 3339 in UTC, as CloudWatch stamps an alarm's state change (`StateChangeTime`, `time`). */
export const INCIDENT_TIME_PATTERN =
  '^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$';
/**
 * A log file a collector may be pointed at: under /var/log, at most 4 levels of names of 1-61
 * letters, digits and `_.-`, none beginning with a dot. The collector runs as root and files what
 * it reads in the evidence (a line without a timestamp passes the window filter), so anyone who
 * may run the document would otherwise have /etc/shadow copied out; no `..` can climb out, and
 * nothing a shell would expand. At most 256 characters. No lookahead: SSM's allowedPattern, the
 * JavaScript checks and the collector's own bash check (lib.sh PM_LOG_PATH_PATTERN) read it alike.
 * @example new RegExp(LOG_FILE_PATTERN).test('/var/log/docker/dockerd.log') // true; '/var/log/../../etc/shadow' false
 */
export const LOG_FILE_PATTERN = '^/var/log(/[a-zA-Z0-9_-][a-zA-Z0-9_.-]{0,60}){1,4}$';
/** {@link LOG_FILE_PATTERN} in words, for the errors that refuse a value. */
export const LOG_FILE_RULE =
  'a file under /var/log/ (at most 4 levels of names of 1-61 letters, digits and _.-, none beginning with a dot, so no ..)';
// A log parameter's value: a log file, or empty for the collector's own search.
const LOG_PATH_PATTERN = `^$|${LOG_FILE_PATTERN}`;
const STRACE_PATTERN = '^([0-9]|10)$';
const HOST_PATTERN = '^$|^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$';

const commonCollectorParameters = [
  documentParameter('pid', {
    allowedPattern: PID_PATTERN,
    default: '',
    description: 'Host pid to trace with strace (with straceSeconds > 0)',
  }),
  documentParameter('incidentTime', {
    allowedPattern: INCIDENT_TIME_PATTERN,
    default: '',
    description:
      'When the incident began (the alarm state change), RFC 3339 UTC, e.g. 2026-12-02T12:00:00Z; empty: now',
  }),
  documentParameter('sinceMinutes', {
    allowedPattern: SINCE_PATTERN,
    default: '15',
    description:
      'Lookback before the incident time, minutes: logs, events and the kernel log are read from there',
    min: 0,
    max: 99999,
  }),
  documentParameter('remediatedAt', {
    allowedPattern: INCIDENT_TIME_PATTERN,
    default: '',
    description:
      'On evidence collected to verify a fix: when the fix ran (RFC 3339 UTC); only later lines count',
  }),
  documentParameter('containerdLog', {
    allowedPattern: LOG_PATH_PATTERN,
    logFile: true,
    default: '',
    description:
      'containerd log file, when it is neither in the journal nor /var/log/containerd.log',
  }),
  documentParameter('straceSeconds', {
    allowedPattern: STRACE_PATTERN,
    default: '0',
    description: 'strace sample length in seconds; 0 disables tracing',
    min: 0,
    max: 10,
  }),
  documentParameter('probeHost', {
    allowedPattern: HOST_PATTERN,
    default: '',
    description: 'Host name to resolve in net.dns, e.g. the registry; empty skips the lookup',
  }),
];

/** The evidence collectors, by platform. */
export const COLLECTOR_DOCUMENTS: readonly CommandDocument[] = [
  {
    documentName: `${DOCUMENT_PREFIX}CollectDockerHost`,
    kind: 'collector',
    description:
      'Collect a Paramedic evidence bundle on an EC2 host running Docker (read-only, ~30 s)',
    script: 'runbooks/collectors/docker-host.sh',
    platform: 'docker',
    timeoutSeconds: 60,
    parameters: Object.fromEntries([
      documentParameter('container', {
        allowedPattern: CONTAINER_PATTERN,
        default: '',
        description: 'Container name or id to inspect closely and trace',
      }),
      ...commonCollectorParameters,
      documentParameter('daemonLog', {
        allowedPattern: LOG_PATH_PATTERN,
        logFile: true,
        default: '',
        description:
          'dockerd log file, when it is neither in the journal nor /var/log/docker.log, daemon.log, messages or syslog',
      }),
    ]),
  },
  {
    documentName: `${DOCUMENT_PREFIX}CollectEksNode`,
    kind: 'collector',
    description: 'Collect a Paramedic evidence bundle on an EKS worker node (read-only, ~30 s)',
    script: 'runbooks/collectors/eks-node.sh',
    platform: 'eks',
    timeoutSeconds: 60,
    parameters: Object.fromEntries([
      ...commonCollectorParameters,
      documentParameter('kubeletLog', {
        allowedPattern: LOG_PATH_PATTERN,
        logFile: true,
        default: '',
        description:
          'kubelet log file, when it is neither in the journal nor /var/log/kubelet.log, messages or syslog',
      }),
      documentParameter('ipamdLog', {
        allowedPattern: LOG_PATH_PATTERN,
        logFile: true,
        default: '',
        description:
          "The VPC CNI's ipamd log, when not at /var/log/aws-routed-eni/ipamd.log; empty: that path",
      }),
      documentParameter('policyAgentLog', {
        allowedPattern: LOG_PATH_PATTERN,
        logFile: true,
        default: '',
        description:
          "The VPC CNI network policy agent's log (its flow verdicts), when not at /var/log/aws-routed-eni/network-policy-agent.log (the add-on's networkPolicyAgentLogFileLocation); empty: that path",
      }),
    ]),
  },
];

/** When the incident began and, on evidence that verifies a fix, when the fix ran. */
export interface IncidentTiming {
  /** The alarm's state-change time or the manual run's start (any form Date parses). */
  readonly incidentTime?: string | Date | null;
  /** When the remediation ran, for the re-collection that verifies it. */
  readonly remediatedAt?: string | Date | null;
  /** Lookback before the incident time, minutes (default 15). */
  readonly lookbackMinutes?: number;
}

/** `2026-12-02T12:00:00.000Z`: a time as the collector parameters take it (UTC, RFC 3339). */
function rfc3339(value: string | Date): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new DocumentParameterError(
      `${DOCUMENT_PREFIX}Collect*`,
      'incidentTime',
      `${JSON.stringify(String(value))} is not a time; pass RFC 3339, e.g. 2026-12-02T12:00:00Z`,
    );
  return new Date(ms).toISOString();
}

/**
 * The collector parameters that anchor evidence to the incident: `incidentTime`, `sinceMinutes`
 * and, for verification, `remediatedAt`. Merge them into the values given to
 * {@link resolveDocumentParameters}.
 * @example resolveDocumentParameters(doc, { container: 'web', ...incidentParameters({ incidentTime: alarm.time }) })
 */
export function incidentParameters(timing: IncidentTiming): Record<string, string> {
  const out: Record<string, string> = {};
  if (timing.incidentTime) out.incidentTime = rfc3339(timing.incidentTime);
  if (timing.remediatedAt) out.remediatedAt = rfc3339(timing.remediatedAt);
  if (timing.lookbackMinutes !== undefined)
    out.sinceMinutes = String(Math.max(0, Math.round(timing.lookbackMinutes)));
  return out;
}

/** Whether `documentName` (`Paramedic-…`, under a deployment's prefix or not) is one of the evidence collectors. */
export function isCollectorDocument(documentName: string): boolean {
  const name = catalogueDocumentName(documentName);
  return COLLECTOR_DOCUMENTS.some((d) => d.documentName === name);
}

/** The collector document of a platform. */
export function collectorDocumentFor(platform: 'docker' | 'eks'): CommandDocument {
  return COLLECTOR_DOCUMENTS.find((d) => d.platform === platform)!;
}

/**
 * The parameters of a platform's collector that name a log file (`daemonLog`, `kubeletLog`, …):
 * the ones a deployment may set for every collection (`collectorLogs`, deployment-config.ts).
 * @example collectorLogParameters('docker') // ['containerdLog', 'daemonLog']
 */
export function collectorLogParameters(platform: 'docker' | 'eks'): string[] {
  return Object.entries(collectorDocumentFor(platform).parameters)
    .filter(([, p]) => p.logFile)
    .map(([name]) => name);
}

/** A parameter value that the document refuses. */
export class DocumentParameterError extends Error {
  constructor(
    readonly documentName: string,
    readonly parameter: string,
    message: string,
  ) {
    super(`${documentName} parameter ${parameter}: ${message}`);
    this.name = 'DocumentParameterError';
  }
}

/**
 * Checks values against the document (unknown names, allowedPattern, integer bounds) and fills
 * defaults. Returns the values keyed by parameter name.
 * @example resolveDocumentParameters(doc, { container: 'web' }) // { container: 'web', sinceMinutes: '30', … }
 * @throws DocumentParameterError naming the first offending parameter.
 */
export function resolveDocumentParameters(
  doc: CommandDocument,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const name of Object.keys(values)) {
    if (!(name in doc.parameters)) {
      const known = Object.keys(doc.parameters);
      throw new DocumentParameterError(
        doc.documentName,
        name,
        `unknown parameter; expected one of ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
  }
  const resolved: Record<string, string> = {};
  for (const [name, p] of Object.entries(doc.parameters)) {
    const value = values[name] ?? p.default ?? '';
    if (value === '' && !new RegExp(p.allowedPattern).test('')) {
      throw new DocumentParameterError(doc.documentName, name, `is required (${p.description})`);
    }
    if (value.includes('\n') || !new RegExp(p.allowedPattern).test(value)) {
      throw new DocumentParameterError(
        doc.documentName,
        name,
        `${JSON.stringify(value)} does not match ${p.allowedPattern}`,
      );
    }
    if (value !== '' && (p.min !== undefined || p.max !== undefined)) {
      const n = Number(value);
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        throw new DocumentParameterError(
          doc.documentName,
          name,
          `${value} is outside ${p.min ?? '-∞'}..${p.max ?? '∞'}`,
        );
      }
    }
    resolved[name] = value;
  }
  return resolved;
}

/**
 * The environment a document sets whatever the parameters: for an action, its time limit. Not a
 * parameter: no caller of the document can change it.
 * @example fixedDocumentEnvironment(nodeRestartRuntime) // { PARAMEDIC_TIME_LIMIT_SECONDS: '420' }
 */
export function fixedDocumentEnvironment(doc: CommandDocument): Record<string, string> {
  return doc.timeLimitSeconds === undefined
    ? {}
    : { PARAMEDIC_TIME_LIMIT_SECONDS: String(doc.timeLimitSeconds) };
}

/** Maps resolved parameter values to the environment variables the script reads, and adds the fixed ones. */
export function documentEnvironment(
  doc: CommandDocument,
  resolved: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...Object.fromEntries(
      Object.entries(doc.parameters).map(([name, p]) => [p.env, resolved[name] ?? p.default ?? '']),
    ),
    ...fixedDocumentEnvironment(doc),
  };
}
