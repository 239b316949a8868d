/**
 * The shape of a Step Functions execution ARN and of the execution names Paramedic's runs get
 * (EventBridge's UUIDs, `paramedic run --aws`'s names): one definition for the CLI that builds an
 * ARN and the approve function that is sent one.
 */

/** `arn:aws:states:<region>:<account>:execution:<machine>:<name>`, in any partition. */
export const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9._-]{1,80}:[A-Za-z0-9._-]{1,80}$/;

/** An execution's name as the runs are named. */
export const EXECUTION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/;
