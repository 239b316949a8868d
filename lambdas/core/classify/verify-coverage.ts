/**
 * Runbook verify.checks with honest coverage. evaluateVerifyChecks decides a check once *any*
 * section of `verify.collect` was collected, so on an EKS node whose re-collection came from SSM
 * alone, node-disk-pressure's "DiskPressure is no longer True" held on disk.df while k8s.node was
 * never read. Here every Kubernetes API section a runbook names must be present and error-free,
 * or its checks are `unknown`: the API's view cannot be inferred from the node's.
 */
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { Runbook } from '../runbook/model.js';
import type { CompiledRulebook } from './compile.js';
import { evaluateVerifyChecks, type VerifyCheckOutcome } from './engine.js';
import { selectorAccepts } from './evaluation.js';

/** A verify check with a three-way outcome. */
export interface CoveredCheck {
  readonly description: string;
  readonly status: 'passed' | 'failed' | 'unknown';
  /** Why it is unknown, or the lines that decided it. */
  readonly observed: string;
}

/** The `k8s.*` selectors of verify.collect that no clean section of the bundle satisfies. */
export function missingKubernetesSections(bundle: EvidenceBundle, runbook: Runbook): string[] {
  const clean = Object.entries(bundle.sections)
    .filter(([, s]) => !s.error)
    .map(([name]) => name);
  return runbook.verify.collect.filter(
    (sel) => sel.startsWith('k8s.') && !clean.some((name) => selectorAccepts(sel, name)),
  );
}

function fromOutcome(o: VerifyCheckOutcome): CoveredCheck {
  if (o.held === null)
    return {
      description: o.description,
      status: 'unknown',
      observed: 'none of the sections it reads was collected',
    };
  return {
    description: o.description,
    status: o.held ? 'passed' : 'failed',
    observed:
      o.evidence.map((e) => `${e.section}:${e.line}: ${e.text}`).join('\n') ||
      (o.expect === 'absent' ? 'not found, as expected' : 'not found'),
  };
}

/**
 * Evaluates a runbook's verify.checks on re-collected evidence; a check is `unknown` when a
 * Kubernetes section the runbook names was not collected (or carries a collector error).
 * @example verifyChecksWithCoverage(rulebook, freshBundle, runbook).filter((c) => c.status !== 'passed')
 */
export function verifyChecksWithCoverage(
  rulebook: CompiledRulebook,
  bundle: EvidenceBundle,
  runbook: Runbook,
): CoveredCheck[] {
  const outcomes = evaluateVerifyChecks(rulebook, bundle, runbook);
  const missing = missingKubernetesSections(bundle, runbook);
  if (missing.length === 0) return outcomes.map(fromOutcome);
  return outcomes.map((o) => ({
    description: o.description,
    status: 'unknown',
    observed: `${missing.join(', ')} not collected (or read with an error): the Kubernetes API's view is needed to decide`,
  }));
}
