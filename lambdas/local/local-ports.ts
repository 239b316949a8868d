/**
 * The one-machine composition: the workflow's ports filled with the local adapters (files under one
 * data directory, the local command runner, the local approvals store).
 */
import type { CompiledRulebook } from '../core/classify/compile.js';
import { firstGroupOf } from '../core/remediation/group-share.js';
import { resolveWorkflowConfig, type WorkflowConfig } from '../core/workflow/config.js';
import type { Clock, CommandRunner, WorkflowPorts } from '../core/workflow/ports.js';
import { awsErrorWording } from '../adapters/aws-sdk/aws-error-message.js';
import { localApprovalGate, type ApprovalPolicy } from '../adapters/local/local-approval-gate.js';
import { LocalApprovals } from '../adapters/local/local-approvals.js';
import { LocalAuditStore } from '../adapters/local/local-audit-store.js';
import { LocalEventPublisher } from '../adapters/local/local-event-publisher.js';
import { LocalEvidenceStore } from '../adapters/local/local-evidence-store.js';
import { LocalGroupMembership } from '../adapters/local/local-group-membership.js';
import { LocalLockStore } from '../adapters/local/local-lock-store.js';
import { LocalNotifier } from '../adapters/local/local-notifier.js';
import { LocalStateStore } from '../adapters/local/local-state-store.js';
import { LocalStateDocuments } from '../adapters/local/local-state-documents.js';
import { osUserIdentity } from '../adapters/local/os-user-identity.js';

/** The local adapters over one data directory. */
export interface LocalAdapters {
  readonly dataDir: string;
  readonly evidence: LocalEvidenceStore;
  readonly audit: LocalAuditStore;
  readonly locks: LocalLockStore;
  readonly state: LocalStateStore;
  readonly stateDocuments: LocalStateDocuments;
  readonly notifier: LocalNotifier;
  readonly approvals: LocalApprovals;
  /** Status events, as the deployed workflow puts them on its bus. */
  readonly events: LocalEventPublisher;
  readonly clock: Clock;
}

/** Builds the local adapters over a data directory. */
export function createLocalAdapters(
  dataDir: string,
  options: { clock?: Clock; print?: (text: string) => void } = {},
): LocalAdapters {
  const clock = options.clock ?? { now: () => new Date() };
  return {
    dataDir,
    evidence: new LocalEvidenceStore(dataDir),
    audit: new LocalAuditStore(dataDir),
    locks: new LocalLockStore(dataDir, clock),
    state: new LocalStateStore(dataDir, clock),
    stateDocuments: new LocalStateDocuments(dataDir),
    notifier: new LocalNotifier(dataDir, options.print, clock),
    approvals: new LocalApprovals(dataDir, clock),
    events: new LocalEventPublisher(dataDir),
    clock,
  };
}

/** Wires the local adapters to every port of the workflow. */
export function localWorkflowPorts(
  adapters: LocalAdapters,
  wiring: {
    commands: CommandRunner;
    rulebook: CompiledRulebook;
    approval: ApprovalPolicy;
    config: Partial<WorkflowConfig>;
  } & Pick<WorkflowPorts, 'cluster' | 'executors' | 'groups'>,
): WorkflowPorts {
  const { evidence, audit, locks, state, stateDocuments, notifier, events } = adapters;
  // The groups file of the data directory, then (with a kubeconfig) the cluster's node groups.
  const groups = firstGroupOf([
    new LocalGroupMembership(adapters.dataDir),
    ...(wiring.groups ? [wiring.groups] : []),
  ]);
  return {
    commands: wiring.commands,
    evidence,
    audit,
    locks,
    state,
    stateDocuments,
    notifier,
    events,
    rulebook: wiring.rulebook,
    groups,
    ...(wiring.cluster ? { cluster: wiring.cluster } : {}),
    ...(wiring.executors ? { executors: wiring.executors } : {}),
    approvals: localApprovalGate(adapters.approvals, wiring.approval),
    config: resolveWorkflowConfig(wiring.config),
    errorWording: awsErrorWording,
    caller: osUserIdentity(),
  };
}
