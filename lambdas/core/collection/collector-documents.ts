/**
 * The catalogue of Paramedic's command documents: the two evidence collectors
 * (evidence-collectors.ts) and one document per host remediation action of the action catalogue.
 * The AWS side builds SSM documents from these entries; the local runner executes the very same
 * scripts. Pure: script texts are read and their libraries prepared by the caller
 * (lambdas/adapters/local/document-scripts.ts) and handed to {@link inlineIncludes}.
 */
import {
  ACTION_CHECK_SECONDS,
  listActions,
  type ActionDefinition,
  type ActionParameter,
} from '../remediation/catalog.js';
import { catalogueDocumentName, DOCUMENT_PREFIX } from './document-names.js';
import {
  COLLECTOR_DOCUMENTS,
  documentParameter,
  type CommandDocument,
  type DocumentParameter,
  type DocumentPlatform,
} from './evidence-collectors.js';

export {
  COLLECTOR_DOCUMENTS,
  collectorDocumentFor,
  collectorLogParameters,
  documentEnvironment,
  DocumentParameterError,
  envNameOf,
  fixedDocumentEnvironment,
  INCIDENT_TIME_PATTERN,
  incidentParameters,
  LOG_FILE_PATTERN,
  LOG_FILE_RULE,
  isCollectorDocument,
  resolveDocumentParameters,
  type CommandDocument,
  type DocumentParameter,
  type DocumentPlatform,
  type IncidentTiming,
} from './evidence-collectors.js';

export {
  catalogueDocumentName,
  DOCUMENT_PREFIX,
  deployedDocumentName,
  documentPrefixOf,
} from './document-names.js';

/** Marker a script puts on its `. lib.sh` line; {@link inlineIncludes} swaps in the library. */
export const INCLUDE_MARKER = '# paramedic:include ';

/** `DockerStartService` -> `docker-start-service`. */
export function kebabOf(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

// An action parameter without a default is required: the document declares no default rather than
// an empty one its own allowedPattern would reject (SSM refuses such a document's commands).
function fromActionParameter(name: string, p: ActionParameter): [string, DocumentParameter] {
  const fallback = p.default === undefined ? {} : { default: String(p.default) };
  if (p.type === 'integer') {
    return documentParameter(name, {
      allowedPattern: '^[0-9]{1,9}$',
      ...fallback,
      description: p.description,
      min: p.min,
      max: p.max,
    });
  }
  return documentParameter(name, {
    allowedPattern: p.allowedPattern ?? '^[a-zA-Z0-9_.-]{1,128}$',
    ...fallback,
    description: p.description,
  });
}

/** Name of the parameter every action document takes: `1` runs the script's own dry run (PARAMEDIC_DRY_RUN, read by action-lib.sh). */
export const DRY_RUN_PARAMETER_NAME = 'dryRun';
const DRY_RUN_PARAMETER = documentParameter(DRY_RUN_PARAMETER_NAME, {
  allowedPattern: '^[01]$',
  default: '0',
  description: '1: print what the action would change and change nothing',
});

/** Parameters whose declared default their own allowedPattern rejects: `[document, parameter, default]`. */
export function defaultsRejectedByPattern(
  docs: readonly CommandDocument[],
): Array<readonly [string, string, string]> {
  return docs.flatMap((d) =>
    Object.entries(d.parameters)
      .filter(([, p]) => p.default !== undefined && !new RegExp(p.allowedPattern).test(p.default))
      .map(([name, p]) => [d.documentName, name, p.default!] as const),
  );
}

/** A host action's `maxSeconds`. @throws Error naming the action when it declares none. */
function maxSecondsOf(action: ActionDefinition): number {
  if (action.maxSeconds === undefined)
    throw new Error(
      `action ${action.id}: a host action declares maxSeconds (the longest its script may run before its last change) in the action catalogue`,
    );
  return action.maxSeconds;
}

function actionDocuments(): CommandDocument[] {
  const byDocument = new Map<string, CommandDocument>();
  for (const action of listActions()) {
    if (!action.document || (action.target !== 'docker-host' && action.target !== 'eks-node'))
      continue;
    const platform: DocumentPlatform = action.target === 'docker-host' ? 'docker' : 'eks';
    const limit = maxSecondsOf(action);
    const existing = byDocument.get(action.document);
    if (existing) {
      const timeLimitSeconds = Math.max(existing.timeLimitSeconds ?? 0, limit);
      byDocument.set(action.document, {
        ...existing,
        platform: existing.platform === platform ? platform : 'any',
        timeLimitSeconds,
        timeoutSeconds: timeLimitSeconds + ACTION_CHECK_SECONDS,
        actions: [...(existing.actions ?? []), action.id],
      });
      continue;
    }
    byDocument.set(action.document, {
      documentName: `${DOCUMENT_PREFIX}${action.document}`,
      kind: 'action',
      description: action.title,
      script: `runbooks/actions/${kebabOf(action.document)}.sh`,
      platform,
      // SSM kills the script at timeoutSeconds: the script's changes fit its limit (pa_do cuts
      // them), and what runs after the last one fits ACTION_CHECK_SECONDS.
      timeLimitSeconds: limit,
      timeoutSeconds: limit + ACTION_CHECK_SECONDS,
      actions: [action.id],
      parameters: Object.fromEntries([
        ...Object.entries(action.parameters).map(([n, p]) => fromActionParameter(n, p)),
        DRY_RUN_PARAMETER,
      ]),
    });
  }
  return [...byDocument.values()];
}

/** One document per distinct `document` of the host actions in the action catalogue. */
export const ACTION_DOCUMENTS: readonly CommandDocument[] = actionDocuments();

/** Every command document: collectors first, then actions. */
export function listCommandDocuments(): readonly CommandDocument[] {
  return [...COLLECTOR_DOCUMENTS, ...ACTION_DOCUMENTS];
}

/** Looks a document up by its SSM name (`Paramedic-…`, under a deployment's prefix or not); undefined when unknown. */
export function findCommandDocument(documentName: string): CommandDocument | undefined {
  const name = catalogueDocumentName(documentName);
  return listCommandDocuments().find((d) => d.documentName === name);
}

/** The library path an include line names; undefined for any other line (a comment that mentions the marker too). */
function includePathOf(line: string): string | undefined {
  const at = line.indexOf(INCLUDE_MARKER);
  if (at < 0 || line.trimStart().startsWith('#')) return undefined;
  return line.slice(at + INCLUDE_MARKER.length).trim();
}

/** The repository paths a script includes through {@link INCLUDE_MARKER} lines, in order, each once. */
export function includedLibraries(script: string): string[] {
  return [...new Set(script.split('\n').flatMap((line) => includePathOf(line) ?? []))];
}

/**
 * Makes a script self-contained, as an SSM document needs it: each line carrying
 * `# paramedic:include <repo path>` is replaced by the library text `inlined` gives for that path.
 * The document scripts inline their libraries without comments (the SSM document quota, see
 * lambdas/adapters/local/document-scripts.ts); the markers name the commented source.
 * @example inlineIncludes(text, (path) => libraries.get(path)!)
 */
export function inlineIncludes(script: string, inlined: (repoPath: string) => string): string {
  return script
    .split('\n')
    .map((line) => {
      const path = includePathOf(line);
      if (path === undefined) return line;
      const lib = inlined(path).replace(/^#!.*\n/, '');
      return `# --- begin ${path} (inlined without comments; the commented source is ${path} in the Paramedic repository) ---\n${lib.trimEnd()}\n# --- end ${path} ---`;
    })
    .join('\n');
}
