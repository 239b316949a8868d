/**
 * De-duplication keys. EventBridge delivers at least once (a redelivery repeats the event id) and
 * a flapping alarm fires again and again: both collapse onto one key per alarm, held for a
 * window, so only the first delivery in the window proceeds. Manual runs are never de-duplicated.
 */
import type { NormalizedAlarm } from './alarm-event.js';

/** The state-store key that claims an alarm for a window. */
export function alarmDedupeKey(
  alarm: Pick<NormalizedAlarm, 'account' | 'region' | 'alarmName'>,
): string {
  return `dedupe#alarm#${alarm.account}#${alarm.region}#${alarm.alarmName}`;
}

/** A manual run's key: its own execution, so it never collides. */
export function manualDedupeKey(executionId: string): string {
  return `dedupe#manual#${executionId}`;
}

/** Lock key of one target. */
export function lockKey(targetId: string): string {
  return `lock#${targetId}`;
}

/** Key a ReleaseLock attempt claims before releasing: the attempt that finds it taken is a retry. */
export function releaseAttemptKey(executionId: string): string {
  return `release#${executionId}`;
}

/** Key recording the last remediation of a runbook on a target (cooldown guard). */
export function cooldownKey(runbookId: string, targetId: string): string {
  return `cooldown#${runbookId}#${targetId}`;
}

/** Key recording recent failed remediations on a target (repeated-failure guard). */
export function failuresKey(targetId: string): string {
  return `failures#${targetId}`;
}
