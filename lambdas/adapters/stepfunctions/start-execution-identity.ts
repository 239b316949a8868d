/**
 * The caller of a manual run on AWS. Step Functions does not pass the StartExecution caller into an
 * execution (the context object has the execution's id, name, input, start time and the state
 * machine's role, not who started it), and an EventBridge run request does not carry the principal
 * that called PutEvents either. What IAM did authenticate is that the caller belongs to the account
 * of the execution and may call StartExecution on this state machine (or PutEvents on the bus whose
 * rule starts it); the principal itself is in CloudTrail's StartExecution record of the execution.
 * So the actor names that, with the execution ARN to look it up, and never the input's claim.
 */
import type { CallerIdentity } from '../../core/workflow/caller-identity.js';

/** `iam:<account>:StartExecution` (principal: CloudTrail, eventName StartExecution, this execution ARN). */
export function startExecutionIdentity(): CallerIdentity {
  return {
    authenticatedActor: async (executionId) => {
      // arn:aws:states:<region>:<account>:execution:<machine>:<name>
      const account = executionId.split(':')[4];
      return `iam:${account && /^\d{12}$/.test(account) ? account : 'unknown-account'}:StartExecution`;
    },
  };
}
