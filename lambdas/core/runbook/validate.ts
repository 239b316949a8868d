import { parse as parseYaml, YAMLParseError } from 'yaml';
import { findAction } from '../remediation/catalog.js';
import type { MatchExpression, Runbook } from './model.js';
import { runbookSchema, toRunbook } from './schema.js';

/** One problem in one runbook, located by a path into the document. */
export class RunbookError extends Error {
  constructor(
    readonly runbookId: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`runbook ${runbookId}${path ? ` at ${path}` : ''}: ${problem}`);
    this.name = 'RunbookError';
  }
}

/** Outcome of loading a set of runbooks: the valid ones and every problem found. */
export interface RunbookLoadResult {
  readonly runbooks: readonly Runbook[];
  readonly errors: readonly RunbookError[];
  readonly warnings: readonly RunbookError[];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
    '',
  );
}

/**
 * Pass 1, structure: parses one YAML text and checks it against the schema.
 * @param fileId the file name without `.yaml`; the runbook's id must equal it.
 */
export function parseRunbookText(
  fileId: string,
  text: string,
): { runbook?: Runbook; errors: RunbookError[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}` : '';
    return {
      errors: [
        new RunbookError(
          fileId,
          where,
          `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
        ),
      ],
    };
  }
  const parsed = runbookSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map(
        (i) => new RunbookError(fileId, formatPath(i.path), i.message),
      ),
    };
  }
  if (parsed.data.id !== fileId) {
    return {
      errors: [
        new RunbookError(
          fileId,
          'id',
          `id "${parsed.data.id}" must equal the file name "${fileId}.yaml"`,
        ),
      ],
    };
  }
  return { runbook: toRunbook(parsed.data), errors: [] };
}

function checkRegex(source: string, path: string, runbook: Runbook, errors: RunbookError[]): void {
  try {
    new RegExp(source, 'i');
  } catch (error) {
    errors.push(
      new RunbookError(runbook.id, path, `invalid regular expression: ${(error as Error).message}`),
    );
  }
}

function checkExpression(
  expression: MatchExpression,
  path: string,
  runbook: Runbook,
  errors: RunbookError[],
): void {
  if ('pattern' in expression) {
    checkRegex(expression.pattern, `${path}.pattern`, runbook, errors);
    if (expression.unless) checkRegex(expression.unless, `${path}.unless`, runbook, errors);
  } else if ('fact' in expression) {
    for (const [field, condition] of Object.entries(expression.where ?? {})) {
      if (condition && typeof condition === 'object') {
        if (condition.match !== undefined)
          checkRegex(condition.match, `${path}.where.${field}.match`, runbook, errors);
        if (condition.notMatch !== undefined)
          checkRegex(condition.notMatch, `${path}.where.${field}.notMatch`, runbook, errors);
      }
    }
  } else if ('all' in expression)
    for (const [i, e] of expression.all.entries())
      checkExpression(e, `${path}.all[${i}]`, runbook, errors);
  else if ('any' in expression)
    for (const [i, e] of expression.any.entries())
      checkExpression(e, `${path}.any[${i}]`, runbook, errors);
  else if ('unresolved' in expression) {
    checkExpression(expression.unresolved, `${path}.unresolved`, runbook, errors);
    checkExpression(expression.resolvedBy, `${path}.resolvedBy`, runbook, errors);
  } else checkExpression(expression.absent, `${path}.absent`, runbook, errors);
}

const TARGETS_BY_PLATFORM: Record<Runbook['platform'], readonly string[]> = {
  docker: ['docker-host', 'none'],
  eks: ['eks-node', 'kubernetes', 'aws', 'none'],
  any: ['docker-host', 'eks-node', 'kubernetes', 'aws', 'none'],
};

function checkRemediation(runbook: Runbook, errors: RunbookError[]): void {
  runbook.remediation.steps.forEach((step, i) => {
    const path = `remediation.steps[${i}]`;
    const action = findAction(step.action);
    if (!action) {
      errors.push(
        new RunbookError(
          runbook.id,
          `${path}.action`,
          `unknown action "${step.action}"; see lambdas/core/remediation/catalog.ts`,
        ),
      );
      return;
    }
    if (!TARGETS_BY_PLATFORM[runbook.platform].includes(action.target)) {
      errors.push(
        new RunbookError(
          runbook.id,
          `${path}.action`,
          `action "${action.id}" runs on ${action.target}, which a ${runbook.platform} runbook cannot target`,
        ),
      );
    }
    if (runbook.remediation.safety === 'automatic' && action.risk === 'risky') {
      errors.push(
        new RunbookError(
          runbook.id,
          `${path}.action`,
          `action "${action.id}" is risky; set remediation.safety to approval`,
        ),
      );
    }
    if (runbook.remediation.safety === 'report-only' && action.mutates) {
      errors.push(
        new RunbookError(
          runbook.id,
          `${path}.action`,
          `action "${action.id}" changes the target; a report-only runbook may only use report`,
        ),
      );
    }
    for (const [name, value] of Object.entries(step.params ?? {})) {
      const spec = action.parameters[name];
      if (!spec) {
        errors.push(
          new RunbookError(
            runbook.id,
            `${path}.params.${name}`,
            `action "${action.id}" takes no parameter "${name}" (takes: ${Object.keys(action.parameters).join(', ') || 'none'})`,
          ),
        );
        continue;
      }
      if (
        spec.type === 'integer' &&
        (typeof value !== 'number' ||
          !Number.isInteger(value) ||
          (spec.min !== undefined && value < spec.min) ||
          (spec.max !== undefined && value > spec.max))
      ) {
        errors.push(
          new RunbookError(
            runbook.id,
            `${path}.params.${name}`,
            `expected an integer from ${spec.min} to ${spec.max}`,
          ),
        );
      }
      if (
        spec.type === 'string' &&
        (typeof value !== 'string' ||
          (spec.allowedPattern && !new RegExp(spec.allowedPattern).test(value)))
      ) {
        errors.push(
          new RunbookError(
            runbook.id,
            `${path}.params.${name}`,
            `value must match ${spec.allowedPattern}`,
          ),
        );
      }
    }
  });
}

/** Preconditions: unique ids, valid expressions, and `actions` that the runbook's steps name. */
function checkPreconditions(runbook: Runbook, errors: RunbookError[]): void {
  const stepActions = new Set(runbook.remediation.steps.map((s) => s.action));
  const seen = new Set<string>();
  (runbook.remediation.preconditions ?? []).forEach((p, i) => {
    if (seen.has(p.id))
      errors.push(
        new RunbookError(
          runbook.id,
          `remediation.preconditions[${i}].id`,
          `duplicate precondition id "${p.id}"`,
        ),
      );
    seen.add(p.id);
    checkExpression(p.match, `remediation.preconditions[${i}].match`, runbook, errors);
    (p.actions ?? []).forEach((a, j) => {
      if (!stepActions.has(a))
        errors.push(
          new RunbookError(
            runbook.id,
            `remediation.preconditions[${i}].actions[${j}]`,
            `no step runs action "${a}"; name one of ${[...stepActions].join(', ')}`,
          ),
        );
    });
  });
}

/**
 * Pass 2, cross references: regexes compile, ids are unique, actions exist in the catalogue
 * and suit the platform and safety mode, parameters are typed, superseding runbooks exist.
 * @param classIds when given, the failure-class ids every runbook must belong to (and all must exist).
 */
export function validateRunbooks(
  runbooks: readonly Runbook[],
  classIds?: readonly string[],
): { errors: RunbookError[]; warnings: RunbookError[] } {
  const errors: RunbookError[] = [];
  const warnings: RunbookError[] = [];
  const ids = new Set(runbooks.map((r) => r.id));
  for (const runbook of runbooks) {
    const seen = new Set<string>();
    runbook.signals.forEach((s, i) => {
      if (seen.has(s.id))
        errors.push(
          new RunbookError(runbook.id, `signals[${i}].id`, `duplicate signal id "${s.id}"`),
        );
      seen.add(s.id);
      checkExpression(s.match, `signals[${i}].match`, runbook, errors);
    });
    for (const [i, r] of runbook.rulesOut.entries())
      checkExpression(r.match, `rulesOut[${i}].match`, runbook, errors);
    for (const [i, c] of runbook.verify.checks.entries())
      checkExpression(c.match, `verify.checks[${i}].match`, runbook, errors);
    checkPreconditions(runbook, errors);
    runbook.supersededBy.forEach((id, i) => {
      if (id === runbook.id)
        errors.push(
          new RunbookError(runbook.id, `supersededBy[${i}]`, 'a runbook cannot supersede itself'),
        );
      else if (!ids.has(id))
        errors.push(new RunbookError(runbook.id, `supersededBy[${i}]`, `no runbook "${id}"`));
    });
    checkRemediation(runbook, errors);
    if (classIds && !classIds.includes(runbook.id)) {
      errors.push(
        new RunbookError(runbook.id, 'id', 'not a failure class of docs/failure-classes.yaml'),
      );
    }
    if (!runbook.signals.some((s) => s.weight >= 0.5)) {
      warnings.push(
        new RunbookError(
          runbook.id,
          'signals',
          'no signal reaches the 0.5 threshold alone; only combinations can classify',
        ),
      );
    }
  }
  for (const id of classIds ?? []) {
    if (!ids.has(id))
      errors.push(
        new RunbookError(id, '', `failure class has no runbook: add runbooks/${id}.yaml`),
      );
  }
  return { errors, warnings };
}

/**
 * Both passes over a set of YAML texts.
 * @example loadRunbooksFromTexts([{ id: 'disk-full', text }]).runbooks
 */
export function loadRunbooksFromTexts(
  files: readonly { id: string; text: string }[],
  classIds?: readonly string[],
): RunbookLoadResult {
  const runbooks: Runbook[] = [];
  const errors: RunbookError[] = [];
  for (const file of files) {
    const result = parseRunbookText(file.id, file.text);
    errors.push(...result.errors);
    if (result.runbook) runbooks.push(result.runbook);
  }
  const cross = validateRunbooks(runbooks, classIds);
  return { runbooks, errors: [...errors, ...cross.errors], warnings: cross.warnings };
}
