/** The `taskCallback` port: SendTaskSuccess on the workflow, to resume a Task waiting for SSM's completion events. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsTaskCallback } from '../../adapters/stepfunctions/task-callback.js';
import type { PortFactory } from '../aws-ports.js';

/** Step Functions client: resumes a waiting Task by its token. */
export const taskCallbackPorts: PortFactory = {
  provides: ['taskCallback'],
  create: () => ({ taskCallback: new StepFunctionsTaskCallback(new SFNClient({})) }),
};
