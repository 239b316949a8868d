/**
 * The default action executors: host actions run as the project's SSM documents through a
 * CommandRunner (SSM on AWS, the local runner on one machine); `report` tells people and changes nothing.
 */
import { canonicalJson } from '../audit/audit-entry.js';
import {
  DRY_RUN_PARAMETER_NAME,
  findCommandDocument,
  resolveDocumentParameters,
} from '../collection/collector-documents.js';
import { tail } from '../collection/output-tail.js';
import type { StepOutcome } from '../workflow/model.js';
import { commandLocations } from '../workflow/target-location.js';
import type { ActionExecutor, Clock, CommandRunner, Notifier } from '../workflow/ports.js';

/**
 * Executes host actions as the project's SSM documents through a CommandRunner (one call per distinct
 * parameter set, all at once: the groups' targets are disjoint, and one after another they could add
 * up past the Task's timeout). With `dryRun`, each document runs its script's own dry run on the
 * host: it prints what it would change and changes nothing.
 */
export function documentExecutor(
  commands: CommandRunner,
  clock: Clock,
  timeoutSeconds = 600,
  options: { readonly dryRun?: boolean } = {},
): ActionExecutor {
  return {
    async execute(step, targets) {
      if (!step.document)
        return targets.map((t) => ({
          step: step.index,
          action: step.action,
          target: t.id,
          status: 'failed' as const,
          detail: `action ${step.action} has no document`,
        }));
      const doc = findCommandDocument(step.document);
      const groups = new Map<string, { parameters: Record<string, string>; targets: string[] }>();
      for (const inv of step.invocations) {
        const wanted = options.dryRun
          ? { ...inv.parameters, [DRY_RUN_PARAMETER_NAME]: '1' }
          : inv.parameters;
        const parameters = doc ? resolveDocumentParameters(doc, wanted) : { ...wanted };
        const key = canonicalJson(parameters);
        const g = groups.get(key) ?? { parameters, targets: [] };
        g.targets.push(inv.target);
        groups.set(key, g);
      }
      const started = clock.now().getTime();
      const locations = commandLocations(targets);
      const runs = await Promise.all(
        [...groups.values()].map((g) =>
          commands.run({
            document: step.document!,
            parameters: g.parameters,
            targets: g.targets,
            timeoutSeconds: doc?.timeoutSeconds ?? timeoutSeconds,
            ...(locations ? { locations } : {}),
          }),
        ),
      );
      const outcomes: StepOutcome[] = [];
      for (const results of runs) {
        for (const r of results) {
          outcomes.push({
            step: step.index,
            action: step.action,
            target: r.target,
            status: r.status === 'Success' ? 'succeeded' : 'failed',
            ...(r.commandId ? { commandId: r.commandId } : {}),
            ...(r.outputUri ? { outputUri: r.outputUri } : {}),
            detail:
              r.status === 'Success'
                ? tail(r.stdout, 500)
                : `${r.status} (exit ${r.exitCode ?? '-'}): ${tail(r.stderr || r.stdout, 500)}`,
            durationMs: r.durationMs ?? clock.now().getTime() - started,
          });
        }
      }
      return outcomes;
    },
  };
}

/** The `report` action: tells people, changes nothing. */
export function reportExecutor(notifier: Notifier): ActionExecutor {
  return {
    async execute(step, targets, context) {
      await notifier.notify({
        kind: 'report',
        subject: `[paramedic] report: ${step.title}`,
        body: JSON.stringify({
          executionId: context.executionId,
          step: step.action,
          targets: targets.map((t) => t.id),
        }),
      });
      return targets.map((t) => ({
        step: step.index,
        action: step.action,
        target: t.id,
        status: 'succeeded' as const,
        detail: 'reported',
      }));
    },
  };
}
