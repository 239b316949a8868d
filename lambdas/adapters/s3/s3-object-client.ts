/**
 * {@link S3Objects} over S3's REST API: SigV4-signed GET and PUT of one object, sent by the same
 * Node HTTP handler the SDK clients use (already in every bundle, keep-alive sockets), retried on
 * throttling, 5xx and broken connections with the SDK standard mode's bounded backoff. It stands
 * in for `@aws-sdk/client-s3`, which cost every function that touches the evidence bucket
 * ~115 KiB (the client, its XML protocol and its middleware) for two calls.
 */
import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { objectUrl } from './s3-object-url.js';
import type { PutObjectOptions, S3Objects } from './s3-objects.js';
import {
  failureOfError,
  failureOfResponse,
  isRetryable,
  S3RequestError,
  type S3Failure,
  type S3RequestSubject,
} from './s3-request-error.js';

/** Where and as whom the client talks to S3. */
export interface S3ObjectClientOptions {
  /** The buckets' region (a provider when it is resolved later, as the CLI's credential chain does). */
  readonly region: string | (() => Promise<string>);
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A custom endpoint (a local S3 server): requests go path style to `<endpoint>/<bucket>/<key>`. */
  readonly endpoint?: string;
  /** Attempts of one request, the first included. @default 3 (the SDK's standard mode) */
  readonly maxAttempts?: number;
  /** Socket idle timeout of one attempt, ms. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The SDK standard mode's backoff: full jitter over 100 ms doubling, at most 20 s. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 20_000;

/** An answer read to its end. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** {@link S3Objects} over SigV4-signed HTTP. */
export class S3ObjectClient implements S3Objects {
  private readonly http: NodeHttpHandler;
  private readonly signer: SignatureV4;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private region?: Promise<string>;

  constructor(private readonly options: S3ObjectClientOptions) {
    this.http = new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    });
    // S3 signs the path as sent (encoded once), and requires x-amz-content-sha256 (applyChecksum).
    this.signer = new SignatureV4({
      service: 's3',
      region: () => this.regionOf(),
      credentials: options.credentials,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
      applyChecksum: true,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** The object's text; undefined for NoSuchKey (a missing bucket or a refusal is an {@link S3RequestError}). */
  async getText(bucket: string, key: string): Promise<string | undefined> {
    const answer = await this.send(
      { operation: 'GetObject', bucket, key, region: await this.regionOf() },
      'GET',
      {},
    );
    return answer === 'NoSuchKey' ? undefined : answer.body.toString('utf8');
  }

  /** Writes `body` under `key` (content type and user metadata as given). */
  async putText(
    bucket: string,
    key: string,
    body: string,
    options: PutObjectOptions = {},
  ): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/octet-stream',
    };
    for (const [name, value] of Object.entries(options.metadata ?? {}))
      headers[`x-amz-meta-${name.toLowerCase()}`] = value;
    await this.send(
      { operation: 'PutObject', bucket, key, region: await this.regionOf() },
      'PUT',
      headers,
      Buffer.from(body, 'utf8'),
    );
  }

  private regionOf(): Promise<string> {
    const { region } = this.options;
    this.region ??= typeof region === 'string' ? Promise.resolve(region) : region();
    return this.region;
  }

  /** One request with its retries: the answer, 'NoSuchKey' for a GET of a missing key, else an S3RequestError. */
  private async send(
    subject: S3RequestSubject,
    method: 'GET' | 'PUT',
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Answer | 'NoSuchKey'> {
    const url = objectUrl(subject.bucket, subject.key, subject.region, this.options.endpoint);
    const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      // Signed again on every attempt: the signature carries its time.
      const request = await this.signer.sign(
        new HttpRequest({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          path: url.path,
          ...(url.port ? { port: url.port } : {}),
          headers: { ...headers, host, ...(body ? { 'content-length': String(body.length) } : {}) },
          ...(body ? { body } : {}),
        }),
      );
      let failure: S3Failure;
      let cause: unknown;
      try {
        const answer = await this.exchange(request as HttpRequest);
        if (answer.status >= 200 && answer.status < 300) return answer;
        failure = failureOfResponse(answer.status, answer.body.toString('utf8'), answer.headers);
        if (method === 'GET' && failure.code === 'NoSuchKey') return 'NoSuchKey';
      } catch (error) {
        failure = failureOfError(error);
        cause = error;
      }
      if (!isRetryable(failure) || attempt >= maxAttempts)
        throw new S3RequestError(
          subject,
          failure,
          attempt,
          cause === undefined ? undefined : { cause },
        );
      await this.sleep(
        Math.floor(this.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt)),
      );
    }
  }

  /** Sends one signed request and reads the answer to its end. */
  private async exchange(request: HttpRequest): Promise<Answer> {
    const { response } = await this.http.handle(request);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) };
  }

  /** Closes the kept-alive sockets (tests, the CLI before it exits). */
  destroy(): void {
    this.http.destroy();
  }
}
