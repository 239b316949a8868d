/**
 * `paramedic coverage`: which alarms that start the workflow would reach no target, which watch a
 * metric no runbook explains, and which failure classes have no labelled test case. Pure: alarm
 * definitions, runbooks and case labels in, a report out.
 */
import type { Runbook } from '../runbook/model.js';
import { alarmMatchesIntake, type IntakeFilter } from '../workflow/intake-filter.js';
import { alarmReach } from './alarm-reach.js';
import type { AlarmDefinition } from './described-alarm.js';
import { runbooksExplaining } from './metric-patterns.js';

/** One alarm of the intake filter, as coverage judged it. */
export interface AlarmCoverage {
  readonly alarmName: string;
  readonly kind: AlarmDefinition['kind'];
  /** `<namespace>/<metric>` of each metric. */
  readonly metrics: readonly string[];
  readonly targets: readonly string[];
  readonly atAlarmTime: readonly string[];
  /** Why it reaches no target (empty when it reaches one). */
  readonly targetProblems: readonly string[];
  /** Runbooks whose `explains:` covers one of its metrics. */
  readonly explainedBy: readonly string[];
}

/** A failure class and how many labelled cases test it. */
export interface ClassCases {
  readonly failureClass: string;
  readonly cases: number;
}

/** The whole report. */
export interface CoverageReport {
  readonly filter: IntakeFilter;
  /** Alarms read, and how many of them the intake filter lets through. */
  readonly alarmsRead: number;
  readonly alarms: readonly AlarmCoverage[];
  /** Alarms of the intake filter that would start a run reaching no target. */
  readonly noTarget: readonly AlarmCoverage[];
  /** Alarms of the intake filter watching no metric a runbook explains. */
  readonly noRunbook: readonly AlarmCoverage[];
  readonly classes: readonly ClassCases[];
  /** Failure classes without a labelled case. */
  readonly untested: readonly string[];
  /** True when nothing above is uncovered. */
  readonly covered: boolean;
}

/** What the report is computed from. */
export interface CoverageInput {
  readonly alarms: readonly AlarmDefinition[];
  readonly filter: IntakeFilter;
  readonly eksClusters: readonly string[];
  readonly runbooks: readonly Pick<Runbook, 'id' | 'explains'>[];
  /** Every failure class (runbook ids, plus the documented class list when there is one). */
  readonly failureClasses: readonly string[];
  /** The label of every labelled case (null: a negative case). */
  readonly caseLabels: readonly (string | null)[];
}

/** Judges every alarm of the intake filter and every failure class. */
export function coverageReport(input: CoverageInput): CoverageReport {
  const alarms = input.alarms
    .filter((a) => alarmMatchesIntake(a.alarmName, input.filter))
    .map((a): AlarmCoverage => {
      const reach = alarmReach(a, input.eksClusters);
      const explainedBy = [
        ...new Set(a.metrics.flatMap((m) => runbooksExplaining(m, input.runbooks))),
      ];
      return {
        alarmName: a.alarmName,
        kind: a.kind,
        metrics: [...new Set(a.metrics.map((m) => `${m.namespace}/${m.name}`))],
        targets: reach.targets,
        atAlarmTime: reach.atAlarmTime,
        targetProblems: reach.problems,
        explainedBy,
      };
    });
  const counts = new Map<string, number>();
  for (const label of input.caseLabels)
    if (label !== null) counts.set(label, (counts.get(label) ?? 0) + 1);
  const classes = [...new Set(input.failureClasses)]
    .sort()
    .map((failureClass) => ({ failureClass, cases: counts.get(failureClass) ?? 0 }));
  const noTarget = alarms.filter((a) => a.targetProblems.length > 0);
  // A composite alarm has no metric of its own: it is reported once, as reaching no target.
  const noRunbook = alarms.filter((a) => a.kind === 'metric' && a.explainedBy.length === 0);
  const untested = classes.filter((c) => c.cases === 0).map((c) => c.failureClass);
  return {
    filter: input.filter,
    alarmsRead: input.alarms.length,
    alarms,
    noTarget,
    noRunbook,
    classes,
    untested,
    covered: noTarget.length === 0 && noRunbook.length === 0 && untested.length === 0,
  };
}
