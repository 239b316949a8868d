/**
 * The one way an AWS SDK error (or anything else a port threw) is put to the operator: one line,
 * `Name: message (HTTP 503, request id …)`, bounded. The HTTP status says whether to retry (429,
 * 5xx) or fix something (4xx); the request id is what AWS Support asks for. SDK v3 service errors
 * carry both in `$metadata` (https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-smithy-client/Class/ServiceException/).
 * It reads fields only, so it imports no SDK and describes a plain Error or a thrown string too.
 */

/** An error's parts as a caller records them: `message` already holds the status and request id. */
export interface AwsErrorParts {
  /** The error's name (`ThrottlingException`, `AccessDeniedException`), `Error` when it has none. */
  readonly name: string;
  /** The message on one line, bounded, then ` (HTTP <status>, request id <id>)` when the SDK gave them. */
  readonly message: string;
}

/** Longest message kept (before the status and request id, which are never cut off). */
export const MAX_MESSAGE_CHARS = 400;
const MAX_NAME_CHARS = 100;
const MAX_REQUEST_ID_CHARS = 100;

/** Runs of whitespace (line and paragraph separators included) and control characters (C0, DEL, C1). */
const BREAKS = /[\s\p{Cc}]+/gu;

/** `text` on one line, at most `max` characters (an ellipsis marks the cut); linear in `max`. */
function oneLine(text: string, max: number): string {
  // Only a bounded prefix is read: a megabyte of message costs no more than a short one.
  const line = text
    .slice(0, max * 4)
    .replace(BREAKS, ' ')
    .trim();
  if (line.length <= max) return line;
  let end = max - 1;
  // Never cut a surrogate pair in half (a lone surrogate is not valid UTF-8 in the trail).
  if (/[\ud800-\udbff]/.test(line.charAt(end - 1))) end--;
  return `${line.slice(0, end)}…`;
}

/** A property of `value` when it is an object, without trusting its getters to succeed. */
function field(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return;
  }
}

/** `String(value)`, or a placeholder when even that throws (an object whose toString throws). */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `a thrown ${typeof value}`;
  }
}

/**
 * The parts of `error` as the audit trail records them (`{ name, message }`).
 * @example awsErrorParts(throttled) // { name: 'ThrottlingException', message: 'Rate exceeded (HTTP 400, request id 7c1e…)' }
 */
export function awsErrorParts(error: unknown): AwsErrorParts {
  const rawName = field(error, 'name');
  const rawMessage = field(error, 'message');
  const name = (typeof rawName === 'string' && oneLine(rawName, MAX_NAME_CHARS)) || 'Error';
  const message = oneLine(
    typeof rawMessage === 'string'
      ? rawMessage
      : rawMessage === undefined
        ? textOf(error)
        : textOf(rawMessage),
    MAX_MESSAGE_CHARS,
  );
  const metadata = field(error, '$metadata');
  const status = field(metadata, 'httpStatusCode');
  const requestId = field(metadata, 'requestId');
  const said = [
    ...(typeof status === 'number' ? [`HTTP ${status}`] : []),
    ...(typeof requestId === 'string' && requestId
      ? [`request id ${oneLine(requestId, MAX_REQUEST_ID_CHARS)}`]
      : []),
  ];
  const shown = message || 'no message';
  return { name, message: said.length ? `${shown} (${said.join(', ')})` : shown };
}

/**
 * `error` as one line for the operator: `Name: message (HTTP 503, request id …)`.
 * @example awsErrorMessage(e) // 'ProvisionedThroughputExceededException: Throughput exceeds … (HTTP 400, request id ABC)'
 */
export function awsErrorMessage(error: unknown): string {
  const { name, message } = awsErrorParts(error);
  return `${name}: ${message}`;
}

/** The wording the workflow's ports use for failures (WorkflowPorts.errorWording). */
export const awsErrorWording = { parts: awsErrorParts, line: awsErrorMessage } as const;
