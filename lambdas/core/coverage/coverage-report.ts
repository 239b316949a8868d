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
  /** Reached only when it fires: pods and failing nodes of a configured cluster, a composite's children's targets. */
  readonly atAlarmTime: readonly string[];
  /** Why it reaches no target (empty when it reaches one). */
  readonly targetProblems: readonly string[];
  /** What it names that reaches no target, with why, even when the rest reaches one (as Intake records `unresolved`). */
  readonly notReached: readonly string[];
  /** A composite alarm's child alarms whose targets it reaches (each when that child is in ALARM). */
  readonly children?: readonly string[];
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
  /** Every alarm of the listing: those of the intake filter are judged, all are a composite's possible children. */
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
export async function coverageReport(input: CoverageInput): Promise<CoverageReport> {
  const inIntake = (name: string) => alarmMatchesIntake(name, input.filter);
  const alarms: AlarmCoverage[] = [];
  for (const a of input.alarms.filter((alarm) => inIntake(alarm.alarmName))) {
    // A composite's children are read from the whole listing, the filter's or not: Intake reads them by name.
    const reach = await alarmReach(a, input.eksClusters, input.alarms, inIntake);
    alarms.push({
      alarmName: a.alarmName,
      kind: a.kind,
      metrics: [...new Set(a.metrics.map((m) => `${m.namespace}/${m.name}`))],
      targets: reach.targets,
      atAlarmTime: reach.atAlarmTime,
      targetProblems: reach.problems,
      notReached: reach.notReached,
      ...(reach.children ? { children: reach.children } : {}),
      explainedBy: [...new Set(a.metrics.flatMap((m) => runbooksExplaining(m, input.runbooks)))],
    });
  }
  const counts = new Map<string, number>();
  for (const label of input.caseLabels)
    if (label !== null) counts.set(label, (counts.get(label) ?? 0) + 1);
  const classes = [...new Set(input.failureClasses)]
    .sort()
    .map((failureClass) => ({ failureClass, cases: counts.get(failureClass) ?? 0 }));
  const noTarget = alarms.filter((a) => a.targetProblems.length > 0);
  // A composite alarm has no metric of its own: what explains an incident is its children's.
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
