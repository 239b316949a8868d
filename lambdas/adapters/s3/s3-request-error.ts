/**
 * S3's failures as errors an operator can act on: the error code S3 sent (from its XML body, or
 * the status when there is no body, as for HEAD), which object, and what to check. Also which
 * failures are worth another attempt, as the SDK's standard retry mode decides.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */

/** The object and operation a request was about. */
export interface S3RequestSubject {
  readonly operation: 'GetObject' | 'PutObject';
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
}

/** What S3 answered (or what the connection did). */
export interface S3Failure {
  /** S3's error code (`AccessDenied`, `NoSuchBucket`, …), or the network error's (`ECONNRESET`). */
  readonly code: string;
  /** HTTP status; undefined when no answer came. */
  readonly status?: number;
  readonly message?: string;
  readonly requestId?: string;
  /** `x-amz-bucket-region`, sent with a redirect or a 400/403 for a bucket in another region. */
  readonly bucketRegion?: string;
}

/** An S3 request failed (after the retries it was worth): its code, status and what to check. */
export class S3RequestError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    readonly subject: S3RequestSubject,
    failure: S3Failure,
    attempts: number,
    options?: { cause?: unknown },
  ) {
    const what = `S3 ${subject.operation} of s3://${subject.bucket}/${subject.key}`;
    const answer = failure.status === undefined ? 'no answer' : `HTTP ${failure.status}`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const detail = failure.message ? `: ${failure.message}` : '';
    const request = failure.requestId ? ` (request id ${failure.requestId})` : '';
    super(
      `${what} failed${tries} with ${failure.code} (${answer})${detail}${request}; ${hintFor(subject, failure)}`,
      options,
    );
    this.name = 'S3RequestError';
    this.code = failure.code;
    this.status = failure.status;
    this.requestId = failure.requestId;
  }
}

/** What to check for a failure, by code, status and operation. */
function hintFor(subject: S3RequestSubject, failure: S3Failure): string {
  const action = subject.operation === 'GetObject' ? 's3:GetObject' : 's3:PutObject';
  const kms = subject.operation === 'GetObject' ? 'kms:Decrypt' : 'kms:GenerateDataKey';
  if (failure.bucketRegion && failure.bucketRegion !== subject.region)
    return `the bucket is in ${failure.bucketRegion}, not ${subject.region}: check the region the client is configured with`;
  if (failure.code === 'NoSuchBucket')
    return `check the bucket name and that it exists in ${subject.region}`;
  if (failure.code.startsWith('KMS.'))
    return `check the KMS key policy of the bucket's default encryption key allows ${kms} to this role`;
  if (
    [
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'ExpiredToken',
      'InvalidToken',
      'TokenRefreshRequired',
    ].includes(failure.code)
  )
    return 'check the credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN belong together and have not expired';
  if (failure.code === 'RequestTimeTooSkewed') return "check the machine's clock";
  if (failure.code === 'AccessDenied' || failure.status === 403)
    return `check the role may ${action} on arn:aws:s3:::${subject.bucket}/*, ${kms} on the bucket's KMS key, and that the bucket policy allows it`;
  if (failure.status === undefined)
    return `check the network path to S3 in ${subject.region} (VPC endpoint, NAT, DNS)`;
  if (isRetryable(failure)) return 'S3 kept failing or throttling; the workflow retries the Task';
  return 'see the S3 error code in https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html';
}

/** Codes the SDK retries (throttling and transient errors). */
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestAbortedError',
]);

/** Throttling, a 5xx, a 429 or a broken connection: worth another attempt. */
export function isRetryable(failure: S3Failure): boolean {
  return (
    RETRYABLE_CODES.has(failure.code) ||
    failure.status === 429 ||
    (failure.status !== undefined && failure.status >= 500)
  );
}

/** The text of one element of S3's XML error body (the body is small and flat; no XML parser needed). */
function element(xml: string, name: string): string | undefined {
  const open = xml.indexOf(`<${name}>`);
  if (open < 0) return undefined;
  const start = open + name.length + 2;
  const close = xml.indexOf(`</${name}>`, start);
  return close < 0 ? undefined : unescapeXml(xml.slice(start, close));
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}

/** Status codes S3 answers without a body (HEAD) or with a body that is not S3's XML (a proxy). */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** The failure of an HTTP answer: S3's `<Error>` body, else the status. */
export function failureOfResponse(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): S3Failure {
  const code = element(body, 'Code') ?? CODE_OF_STATUS[status] ?? `Http${status}`;
  const message = element(body, 'Message');
  const requestId = element(body, 'RequestId') ?? headers['x-amz-request-id'];
  const bucketRegion = element(body, 'Region') ?? headers['x-amz-bucket-region'];
  return {
    code,
    status,
    ...(message ? { message } : {}),
    ...(requestId ? { requestId } : {}),
    ...(bucketRegion ? { bucketRegion } : {}),
  };
}

/** The failure of a request that got no answer (connection refused or reset, timeout). */
export function failureOfError(error: unknown): S3Failure {
  const e = error as { code?: string; name?: string; message?: string } | undefined;
  return {
    code: e?.code ?? e?.name ?? 'NetworkError',
    ...(e?.message ? { message: e.message } : {}),
  };
}
