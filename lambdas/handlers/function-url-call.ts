/**
 * Reads a Lambda Function URL request (payload format 2.0) whose URL uses `AuthType: AWS_IAM`: the
 * IAM principal Lambda authenticated from the SigV4 signature, and the JSON body. Edge adapter.
 */

/** An HTTP request that Lambda authenticated: who signed it and what they sent. */
export interface FunctionUrlCall {
  /** The signer's ARN as IAM resolved it (`requestContext.authorizer.iam.userArn`). */
  readonly callerArn: string;
  readonly method: string;
  /** The parsed JSON body (undefined when the body is empty). */
  readonly body: unknown;
}

/** The event is not a signed Function URL request, or its body is not JSON. */
export class FunctionUrlCallError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'FunctionUrlCallError';
  }
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

/**
 * The authenticated caller and body of a Function URL event, or undefined when the event has no
 * `requestContext` (a direct `Invoke`, which carries no authenticated caller at all).
 * @throws FunctionUrlCallError when the URL request carries no IAM principal or its body is not JSON.
 */
export function functionUrlCall(event: unknown): FunctionUrlCall | undefined {
  const e = record(event);
  const context = record(e?.requestContext);
  if (!e || !context) return undefined;
  const callerArn = record(record(context.authorizer)?.iam)?.userArn;
  // AuthType NONE (a misconfigured URL) yields no iam block: nobody was authenticated.
  if (typeof callerArn !== 'string' || !callerArn)
    throw new FunctionUrlCallError(
      'the request carries no IAM principal: the function URL must use AuthType AWS_IAM; redeploy the pipeline stack',
      403,
    );
  const method = String(record(context.http)?.method ?? '');
  const raw =
    typeof e.body === 'string'
      ? e.isBase64Encoded === true
        ? Buffer.from(e.body, 'base64').toString('utf8')
        : e.body
      : '';
  if (!raw) return { callerArn, method, body: undefined };
  try {
    return { callerArn, method, body: JSON.parse(raw) as unknown };
  } catch {
    throw new FunctionUrlCallError('the request body is not JSON');
  }
}
