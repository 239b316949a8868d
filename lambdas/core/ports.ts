/** The workflow's ports, re-exported for modules that predate lambdas/core/workflow/ports.ts (the one place they are declared). */
export type {
  AuditStore,
  Clock,
  CommandRequest,
  CommandResult,
  CommandRunner,
  CommandStatus,
  EvidenceRef,
  EvidenceStore,
  LockStore,
  Notifier,
  StateStore,
} from './workflow/ports.js';
