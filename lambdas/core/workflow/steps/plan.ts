/** Plan: the runbook's remediation on the eligible targets, with the decision of how (or whether) it may run. */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { runbookOf } from '../evidence-collection.js';
import { historyOf } from '../failure-history.js';
import type { Plan } from '../model.js';
import { buildPlan } from '../plan.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What Plan uses. */
export type PlanPorts = Pick<WorkflowPorts, 'audit' | 'state' | 'rulebook' | 'config'>;

/** Plan: an alarm run acts only on the targets whose evidence shows the failure; a manual run on what was asked. */
export async function runPlan({ executionId, state }: TaskInput, ports: PlanPorts, clock: Clock): Promise<Plan> {
  const intake = requireState('Plan', state.intake, 'intake');
  const classification = requireState('Plan', state.classification, 'classification');
  const runbook = runbookOf(ports.rulebook, classification.runbookId);
  const matched = new Set(classification.targets.filter((t) => t.runbookId === classification.runbookId).map((t) => t.target));
  const targets = intake.mode === 'alarm' ? intake.targets.filter((t) => matched.has(t.id)) : intake.targets;
  const history = runbook ? await historyOf(ports.state, runbook.id, targets.map((t) => t.id)) : [];
  const { dryRun, automaticRemediation, documentPrefix } = ports.config;
  const plan = buildPlan({ runbook, mode: intake.mode, targets, history, switches: { dryRun, automaticRemediation, documentPrefix }, now: clock.now() });
  await appendAudit(ports, clock, executionId, intake, 'planned', { plan }, withRunbook(plan.runbookId));
  return plan;
}
