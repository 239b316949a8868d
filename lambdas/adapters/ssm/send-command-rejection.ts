/**
 * SendCommand is all or nothing: when SSM refuses one instance it names, the whole call fails and
 * none of the others run. Two refusals are about single instances:
 * - InvalidInstanceId: an instance is not managed by SSM, stopped or terminated.
 * - AccessDeniedException: IAM authorizes the call against every instance named, and the
 *   functions' roles may command only instances carrying the managed tag (condition
 *   `ssm:resourceTag/<key>`), so one untagged instance (an Auto Scaling tag without
 *   PropagateAtLaunch, a node group launched without the tag) denies the call for all.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command-setting-up.html
 * This module says which of a refused batch's instances to set apart, and what each one's result
 * tells the operator. The runner (ssm-command-runner.ts) does the sending.
 */
import { awsErrorMessage } from '../aws-sdk/aws-error-message.js';

/** The tag an instance needs before the functions may command it (config `managedInstanceTag`). */
export interface ManagedInstanceTag {
  readonly key: string;
  readonly value: string;
}

/** How to go on after SendCommand refused a batch of several instances. */
export type BatchRefusal =
  /** IAM named this instance of the batch: set it apart and send to the others. */
  | { readonly kind: 'set-apart'; readonly instance: string }
  /** An instance is refused but not named: halve the batch until each refused instance is alone. */
  | { readonly kind: 'bisect' }
  /** Not about an instance (the error names a document, or is not a refusal): every part would fail alike. */
  | { readonly kind: 'whole-batch' };

const errorName = (e: unknown): string => (e as { name?: string })?.name ?? '';
const errorMessage = (e: unknown): string => String((e as { message?: unknown })?.message ?? '');

/** `... is not authorized to perform: ssm:SendCommand on resource: <arn> because ...` (IAM's wording). */
const DENIED_RESOURCE = /on resource: (arn:\S+)/;
/** The id at the end of an EC2 instance ARN (`arn:<partition>:ec2:<region>:<account>:instance/i-…`). */
const INSTANCE_ARN = /^arn:[^:]+:ec2:[^:]*:[^:]*:instance\/([^\s/]+)$/;

/** True when SendCommand was refused for lack of permission. */
export const isAccessDenied = (error: unknown): boolean =>
  errorName(error) === 'AccessDeniedException';

/** The resource an AccessDeniedException names, without trailing punctuation; undefined when none. */
function deniedResource(error: unknown): string | undefined {
  return DENIED_RESOURCE.exec(errorMessage(error))?.[1]?.replace(/[.,;]+$/, '');
}

/** What to do with a batch of two or more instances that SendCommand refused with `error`. */
export function batchRefusal(error: unknown, batch: readonly string[]): BatchRefusal {
  if (errorName(error) === 'InvalidInstanceId') return { kind: 'bisect' };
  if (!isAccessDenied(error)) return { kind: 'whole-batch' };
  const resource = deniedResource(error);
  if (resource === undefined) return { kind: 'bisect' };
  const instance = INSTANCE_ARN.exec(resource)?.[1];
  if (instance === undefined) return { kind: 'whole-batch' };
  // IAM names the first instance it denied; one not in this batch would be a surprise: find it by halving.
  return batch.includes(instance) ? { kind: 'set-apart', instance } : { kind: 'bisect' };
}

/**
 * The result message of an instance SendCommand was denied for, saying what to do.
 * @example deniedInstanceMessage('i-0abc', { key: 'paramedic:managed', value: 'true' }, error)
 */
export function deniedInstanceMessage(
  instance: string,
  tag: ManagedInstanceTag | undefined,
  error: unknown,
): string {
  const needs = tag
    ? `the instance lacks the tag ${tag.key}=${tag.value}`
    : "the instance lacks the deployment's managed tag (managedInstanceTag)";
  return (
    `SendCommand denied for ${instance}: ${needs} or the function's role lacks ssm:SendCommand on it; ` +
    "tag the instance (an Auto Scaling group's tag needs PropagateAtLaunch, an EKS node group's goes in " +
    'its launch template\'s instance tags), see README Prerequisites 2 "The managed tag". ' +
    awsErrorMessage(error)
  );
}

/** The result message of an instance whose SendCommand was denied on something else (the document). */
export function deniedBatchMessage(error: unknown): string {
  const resource = deniedResource(error);
  return (
    `SendCommand denied on ${resource ?? 'the command'}, not on an instance: the function's role may not run this document; ` +
    'redeploy the pipeline stack (cdk deploy) so its grant names the deployed documents. ' +
    awsErrorMessage(error)
  );
}
