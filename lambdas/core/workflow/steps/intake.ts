/**
 * Intake: reads what started the execution (a CloudWatch alarm event, a manual run, or a replay of
 * recorded evidence), refuses an alarm event CloudWatch did not send (alarm-confirmation.ts), resolves
 * its targets through the one target grammar, de-duplicates alarm deliveries, and records the trigger.
 */
import { isAlarmEvent, normalizeAlarmEvent, type NormalizedAlarm } from '../alarm-event.js';
import { compositeDimensions, dimensionsByLocation } from '../composite-alarm.js';
import { appendAudit } from '../audit-writer.js';
import { resolveClusterDimensions, type UnresolvedDimensions } from '../cluster-targets.js';
import { alarmDedupeKey, manualDedupeKey } from '../dedupe.js';
import { runbookOf } from '../runbook-lookup.js';
import { parseManualInput } from '../manual-input.js';
import type { IntakeResult, Target, Trigger } from '../model.js';
import type { Clock, TargetLocation, WorkflowPorts } from '../ports.js';
import { publishStatus } from '../status-events.js';
import { locationOf } from '../target-location.js';
import { expandTargets, parseTarget, resolveAlarmTargets, type TargetSpec } from '../targets.js';
import type { TaskInput } from '../task-input.js';
import { manualRunActor } from '../caller-identity.js';
import {
  AlarmRefusedError,
  confirmAlarm,
  ruleRefusal,
  type AlarmRefusal,
} from '../alarm-confirmation.js';
import { checkManagedTag, type ManagedTagCheck } from '../managed-tag-check.js';

/** What Intake uses. */
export type IntakePorts = Pick<
  WorkflowPorts,
  | 'audit'
  | 'state'
  | 'rulebook'
  | 'config'
  | 'targets'
  | 'cluster'
  | 'events'
  | 'caller'
  | 'alarms'
  | 'managedTags'
  | 'errorWording'
>;

/** The started event's summary: the trigger's, then the managed tag warning when there is one. */
function startedSummary(summary: string, check: ManagedTagCheck | undefined): string {
  return check && (check.untagged.length || check.notFound.length || check.skipped)
    ? `${summary}; ${check.message}`
    : summary;
}

/** The trigger of an alarm run: the alarm, and where it is (so Verify reads that alarm, not a same-named one elsewhere). */
function alarmTrigger(alarm: NormalizedAlarm, startedAt: string): Trigger {
  const location = locationOf(alarm.account, alarm.region);
  return {
    kind: 'alarm',
    actor: `alarm:${alarm.alarmName}`,
    alarmName: alarm.alarmName,
    ...(location ? { alarmAccount: location.account, alarmRegion: location.region } : {}),
    alarmReason: alarm.reason.slice(0, 1000),
    at: alarm.time || startedAt,
  };
}

/**
 * A composite alarm whose actions are suppressed (its suppressor alarm is in ALARM, or the wait or
 * extension period runs): recorded as skipped and stopped like a duplicate, without claiming the
 * alarm, so its next unsuppressed change is handled. The EventBridge rule filters these too.
 */
async function suppressedAlarm(
  executionId: string,
  alarm: NormalizedAlarm,
  ports: IntakePorts,
  clock: Clock,
  startedAt: string,
  confirmation: string,
): Promise<IntakeResult> {
  const result: IntakeResult = {
    executionId,
    mode: 'alarm',
    targets: [],
    duplicate: true,
    dedupeKey: alarmDedupeKey(alarm),
    startedAt,
    trigger: alarmTrigger(alarm, startedAt),
  };
  const summary = `alarm ${alarm.alarmName} went ${alarm.state} with its actions suppressed (${alarm.actionsSuppressedBy}): nothing to do`;
  await appendAudit(
    ports,
    clock,
    executionId,
    result,
    'triggered',
    {
      trigger: result.trigger,
      summary,
      eventId: alarm.eventId,
      state: alarm.state,
      previousState: alarm.previousState ?? null,
      dimensions: alarm.dimensions,
      targets: [],
      mode: result.mode,
      suppressed: alarm.actionsSuppressedBy!,
      confirmation,
    },
    { outcome: 'skipped' },
  );
  return result;
}

/**
 * Records the refusal (actor: the authenticated caller, as a manual run's; the event's claim kept as
 * `requestedBy`) and ends the run: nothing is claimed, so the real alarm's delivery is not a duplicate.
 * @throws AlarmRefusedError always (not retried: cdk/workflow/workflow-definition.ts).
 */
async function refuseAlarm(
  executionId: string,
  alarm: NormalizedAlarm,
  refusal: AlarmRefusal,
  ports: IntakePorts,
  clock: Clock,
): Promise<never> {
  const { actor, requestedBy } = await manualRunActor(
    ports.caller,
    executionId,
    `alarm:${alarm.alarmName}`,
  );
  await appendAudit(
    ports,
    clock,
    executionId,
    undefined,
    'refused',
    {
      summary: `refused alarm event started by ${actor}: ${refusal.reason}`,
      check: refusal.check,
      requestedBy,
      alarmName: alarm.alarmName,
      state: alarm.state,
      eventId: alarm.eventId,
      time: alarm.time,
      account: alarm.account,
      region: alarm.region,
    },
    { actor, outcome: 'rejected' },
  );
  throw new AlarmRefusedError(alarm.alarmName, refusal);
}

/**
 * Admits an alarm event only as the intake rule would have sent it and as CloudWatch confirms it
 * (alarm-confirmation.ts), before anything is claimed or written; returns how it was confirmed.
 * @throws AlarmRefusedError when refused (recorded first).
 */
async function admitAlarm(
  executionId: string,
  alarm: NormalizedAlarm,
  location: TargetLocation | undefined,
  ports: IntakePorts,
  clock: Clock,
): Promise<string> {
  const rule = ruleRefusal(alarm, ports.config);
  if (rule) return refuseAlarm(executionId, alarm, rule, ports, clock);
  const answer = await confirmAlarm(alarm, ports.alarms, location);
  if (answer.status === 'refused')
    return refuseAlarm(executionId, alarm, answer.refusal, ports, clock);
  return answer.status === 'confirmed' ? answer.how : `not confirmed: ${answer.reason}`;
}

async function alarmIntake(
  { executionId, state }: TaskInput,
  ports: IntakePorts,
  clock: Clock,
): Promise<IntakeResult> {
  const startedAt = clock.now().toISOString();
  const alarm = normalizeAlarmEvent(state);
  // The alarm's account and region say where its targets are (a spoke's forwarded alarm, or the hub's own).
  const location = locationOf(alarm.account, alarm.region);
  const confirmation = await admitAlarm(executionId, alarm, location, ports, clock);
  if (alarm.actionsSuppressedBy)
    return suppressedAlarm(executionId, alarm, ports, clock, startedAt, confirmation);
  // A composite alarm's targets are its children's (read through the alarms port, each where it is); a Metrics Insights query's, its WHERE equalities.
  const composite =
    alarm.alarmRule !== undefined
      ? await compositeDimensions(alarm.alarmRule, ports.alarms, ports.errorWording, location)
      : { dimensions: [], unresolved: [] };
  const located = [
    ...alarm.dimensions.map((dimensions) => ({ dimensions, ...(location ? { location } : {}) })),
    ...composite.dimensions,
  ];
  const dimensions = located.map((d) => d.dimensions);
  // Queries that pin nothing and other services' clusters (alarm-event.ts), then the composite's children that named nothing.
  const notTargets = [...alarm.unresolved, ...composite.unresolved];
  // Each dimension set resolves where its alarm is: a composite's child named by ARN may be in another account.
  const clusterTargets: Target[] = [];
  const clusterUnresolved: UnresolvedDimensions[] = [];
  const specs: TargetSpec[] = [];
  for (const group of dimensionsByLocation(located)) {
    // Container Insights node, pod and cluster-level alarms resolve through the cluster's API; the rest through the target grammar.
    const onCluster = await resolveClusterDimensions(
      group.dimensions,
      ports.cluster,
      group.location,
      ports.config.eksClusters,
    );
    clusterTargets.push(...onCluster.targets);
    clusterUnresolved.push(...onCluster.unresolved);
    specs.push(...resolveAlarmTargets(onCluster.rest, ports.config.eksClusters, group.location));
  }
  // Expanded in full (the directory is read whole anyway), so the cut below can say what it left out.
  const expanded = await expandTargets(specs, ports.targets, Number.POSITIVE_INFINITY);
  const seen = new Set<string>(); // first wins: a pod target carries more than its node's
  const named = [...clusterTargets, ...expanded].filter(
    (t) => !seen.has(t.id) && Boolean(seen.add(t.id)),
  );
  const max = ports.config.maxTargetsPerExecution;
  const targets = named.slice(0, max);
  // Targets past the cap (a cluster-wide failure, a large group) are not this run's: the record says so.
  const cut: UnresolvedDimensions[] =
    named.length > max
      ? [
          {
            dimensions: {},
            reason: `the alarm names ${named.length} targets, more than maxTargetsPerExecution (${max}): this run has the first ${max}`,
          },
        ]
      : [];
  const dedupeKey = alarmDedupeKey(alarm);
  let duplicate = !(await ports.state.putIfAbsent(
    dedupeKey,
    { executionId, eventId: alarm.eventId, at: startedAt },
    ports.config.dedupeWindowSeconds,
  ));
  // A retried Intake finds its own claim: that is not a duplicate.
  if (duplicate && (await ports.state.get(dedupeKey))?.executionId === executionId)
    duplicate = false;
  const result: IntakeResult = {
    executionId,
    mode: 'alarm',
    targets,
    duplicate,
    dedupeKey,
    startedAt,
    trigger: alarmTrigger(alarm, startedAt),
  };
  const summary = `alarm ${alarm.alarmName} went ${alarm.state}${alarm.reason ? `: ${alarm.reason.slice(0, 300)}` : ''}`;
  // Only a run that goes on sends commands; a duplicate's targets are another run's.
  const managedTag = duplicate
    ? undefined
    : await checkManagedTag(targets, ports.managedTags, ports.errorWording);
  try {
    await appendAudit(
      ports,
      clock,
      executionId,
      result,
      duplicate ? 'deduplicated' : 'triggered',
      {
        trigger: result.trigger,
        summary,
        eventId: alarm.eventId,
        state: alarm.state,
        previousState: alarm.previousState ?? null,
        dimensions,
        targets,
        mode: result.mode,
        ...(notTargets.length + clusterUnresolved.length + cut.length
          ? { unresolved: [...notTargets, ...clusterUnresolved, ...cut] }
          : {}),
        ...(managedTag ? { managedTag } : {}),
        confirmation,
      },
      duplicate ? { outcome: 'skipped' } : {},
    );
  } catch (error) {
    // A claim left behind would swallow the redelivery of this alarm for dedupeWindowSeconds: expire it now.
    if (!duplicate)
      await ports.state
        .put(dedupeKey, { executionId, releasedAfter: (error as Error).name ?? 'Error' }, 0)
        .catch(() => undefined);
    throw error;
  }
  if (!duplicate)
    await publishStatus(ports, clock, executionId, result, 'started', {
      summary: startedSummary(summary, managedTag),
    });
  return result;
}

async function manualIntake(
  { executionId, state }: TaskInput,
  ports: IntakePorts,
  clock: Clock,
): Promise<IntakeResult> {
  const startedAt = clock.now().toISOString();
  const manual = parseManualInput(
    state,
    ports.rulebook.runbooks.map((r) => r.id),
  );
  const runbook = runbookOf(ports.rulebook, manual.runbookId);
  const platform = manual.platform ?? (runbook?.platform === 'eks' ? 'eks' : 'docker');
  const targets = await expandTargets(
    [parseTarget(manual.target, platform)],
    ports.targets,
    ports.config.maxTargetsPerExecution,
  );
  // The actor is the authenticated caller; the input's invokedBy is only a claim, kept as requestedBy.
  const { actor, requestedBy } = await manualRunActor(ports.caller, executionId, manual.invokedBy);
  const result: IntakeResult = {
    executionId,
    mode: manual.mode,
    targets,
    duplicate: false,
    dedupeKey: manualDedupeKey(executionId),
    startedAt,
    ...(manual.runbookId ? { runbookId: manual.runbookId } : {}),
    ...(manual.replay ? { replay: manual.replay } : {}),
    trigger: manual.replay
      ? {
          kind: 'replay',
          actor,
          requestedBy,
          at: startedAt,
          ...(manual.replay.origin ? { origin: manual.replay.origin } : {}),
        }
      : { kind: 'manual', actor, requestedBy, at: startedAt },
  };
  const summary = manual.replay
    ? `replay of recorded evidence ${manual.replay.origin ?? manual.replay.evidence.uri} on ${manual.target} by ${actor} (requested as ${requestedBy})`
    : `manual run of ${manual.runbookId} on ${manual.target} (${manual.mode}) by ${actor} (requested as ${requestedBy})`;
  // A replay sends no commands: its evidence is recorded.
  const managedTag = manual.replay
    ? undefined
    : await checkManagedTag(targets, ports.managedTags, ports.errorWording);
  await appendAudit(ports, clock, executionId, result, 'triggered', {
    trigger: result.trigger,
    summary,
    targets,
    mode: manual.mode,
    requested: manual,
    ...(managedTag ? { managedTag } : {}),
  });
  await publishStatus(ports, clock, executionId, result, 'started', {
    summary: startedSummary(summary, managedTag),
  });
  return result;
}

/** Intake: an alarm event, a manual run or a replay in; the execution's targets, trigger and mode out. */
export async function runIntake(
  input: TaskInput,
  ports: IntakePorts,
  clock: Clock,
): Promise<IntakeResult> {
  // An EventBridge envelope that is not a usable alarm is a broken alarm, not a manual run:
  // normalizeAlarmEvent names what is missing instead of parseManualInput rejecting "version".
  const { state } = input;
  if (isAlarmEvent(state) || 'detail-type' in state) return alarmIntake(input, ports, clock);
  return manualIntake(input, ports, clock);
}
