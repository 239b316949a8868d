/**
 * The `taskCallback` port for CollectSend and VerifySend, which resume their own Task only when
 * every command had already finished before the wait was registered (their completion events came
 * first; waited-commands.ts `sendAndRegister`). On the usual path the commands are still running
 * and CommandCompleted resumes the Task, so the Step Functions client (~8 KiB) loads in its own
 * chunk on that first rare resume instead of at every cold start. CommandCompleted, which resumes
 * on every last event, wires the client directly.
 */
import type { TaskCallback } from '../../core/collection/command-wait.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** SendTaskSuccess on the workflow, loaded on the first resume. */
export const lazyTaskCallbackPorts: PortFactory = {
  provides: ['taskCallback'],
  create: (env) => ({
    taskCallback: lazyPort<TaskCallback>(
      async () =>
        (await import('./task-callback-ports.js')).taskCallbackPorts.create(env).taskCallback!,
    ),
  }),
};
