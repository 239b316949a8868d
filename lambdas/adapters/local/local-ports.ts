import type { Clock, CommandRunner } from '../../core/ports.js';
import { LocalApprovals } from './local-approvals.js';
import { LocalAuditStore } from './local-audit-store.js';
import { LocalEvidenceStore } from './local-evidence-store.js';
import { LocalLockStore } from './local-lock-store.js';
import { LocalNotifier } from './local-notifier.js';
import { LocalStateStore } from './local-state-store.js';

/** Every port of the workflow, filled with the embedded local adapters (files under one data directory). */
export interface LocalPorts {
  readonly dataDir: string;
  readonly evidence: LocalEvidenceStore;
  readonly audit: LocalAuditStore;
  readonly locks: LocalLockStore;
  readonly state: LocalStateStore;
  readonly notifier: LocalNotifier;
  readonly approvals: LocalApprovals;
  readonly clock: Clock;
  readonly runner?: CommandRunner;
}

/** Builds the local ports over a data directory. */
export function createLocalPorts(dataDir: string, options: { runner?: CommandRunner; clock?: Clock; print?: (text: string) => void } = {}): LocalPorts {
  const clock = options.clock ?? { now: () => new Date() };
  return {
    dataDir,
    evidence: new LocalEvidenceStore(dataDir),
    audit: new LocalAuditStore(dataDir),
    locks: new LocalLockStore(dataDir, clock),
    state: new LocalStateStore(dataDir, clock),
    notifier: new LocalNotifier(dataDir, options.print, clock),
    approvals: new LocalApprovals(dataDir, clock),
    clock,
    runner: options.runner,
  };
}
