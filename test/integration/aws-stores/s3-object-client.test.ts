/**
 * The S3 object client against s3rver, a local server of S3's wire protocol: reads, writes, keys
 * that need encoding, a missing key, a missing bucket, an unknown access key, a large object.
 * s3rver checks the access key but not SigV4 signatures, and never throttles: a loopback server
 * checks every signature the way S3 does (the canonical request rebuilt from what arrived,
 * written here from the SigV4 specification, not with the signer under test) and answers as a
 * throttled or failing S3 does.
 */
import { sha256Hex, sigv4Signature } from '../../support/sigv4.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  S3ObjectClient,
  type S3ObjectClientOptions,
} from '../../../lambdas/adapters/s3/s3-object-client.js';
import { S3RequestError } from '../../../lambdas/adapters/s3/s3-request-error.js';

const BUCKET = 'paramedic-evidence-test';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
let dir: string;
let endpoint: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-s3-client-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  endpoint = `http://127.0.0.1:${(await server.run()).port}`;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (options: Partial<S3ObjectClientOptions> = {}) =>
  new S3ObjectClient({ region: 'eu-west-1', credentials, endpoint, ...options });

describe('S3ObjectClient on s3rver', () => {
  it('writes an object with its content type and metadata, and reads it back', async () => {
    const s3 = client();
    await s3.putText(BUCKET, 'evidence/run-1.json', '{"a":"é ✓"}', {
      contentType: 'application/json',
      metadata: { sha256: 'abc' },
    });
    expect(await s3.getText(BUCKET, 'evidence/run-1.json')).toBe('{"a":"é ✓"}');
    // s3rver serves objects to anonymous reads: the stored headers, as S3 keeps them.
    const raw = await fetch(`${endpoint}/${BUCKET}/evidence/run-1.json`);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(raw.headers.get('x-amz-meta-sha256')).toBe('abc');
    s3.destroy();
  });

  it('signs keys that need encoding (spaces, plus, parentheses, non-ASCII) the way S3 checks them', async () => {
    const s3 = client();
    const key = 'ssm-output/c 1/i-0a(1)+x*/ünïcode!/stdout';
    await s3.putText(BUCKET, key, 'output');
    expect(await s3.getText(BUCKET, key)).toBe('output');
    s3.destroy();
  });

  it('a missing key is undefined, not an error', async () => {
    expect(await client().getText(BUCKET, 'evidence/none.json')).toBeUndefined();
  });

  it('a missing bucket is an error with S3 code, the object and what to check', async () => {
    const error = await client()
      .getText('no-such-bucket-here', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3RequestError);
    expect(error).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    expect((error as Error).message).toMatch(
      /^S3 GetObject of s3:\/\/no-such-bucket-here\/k failed with NoSuchBucket \(HTTP 404\): .+; check the bucket name and that it exists in eu-west-1$/,
    );
  });

  it('unknown credentials are refused once (not retried) and the message names the credentials', async () => {
    let sleeps = 0;
    const s3 = client({
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'S3RVER' },
      sleep: async () => {
        sleeps++;
      },
    });
    const error = await s3.putText(BUCKET, 'k', 'v').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'S3RequestError',
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    expect((error as Error).message).toMatch(/check the credentials/);
    expect(sleeps).toBe(0);
  });

  it('moves a large object (8 MiB of multi-byte text) both ways intact', async () => {
    const s3 = client();
    const body = 'ligne de journal ✓ '.repeat(440_000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(8 * 1024 * 1024);
    await s3.putText(BUCKET, 'evidence/large.json', body);
    expect(await s3.getText(BUCKET, 'evidence/large.json')).toBe(body);
    s3.destroy();
  });
});

/** Why a request's SigV4 signature (secret `S3RVER`) is not S3's, or undefined when it is. */
function signatureProblem(req: IncomingMessage, body: Buffer): string | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? '',
    );
  if (!auth) return `not a SigV4 authorization header: ${req.headers.authorization}`;
  const [, , date, region, signedHeaders, signature] = auth;
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (payloadHash !== sha256Hex(body)) return "x-amz-content-sha256 is not the body's";
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return 'host or x-amz-date unsigned';
  const [path, query = ''] = (req.url ?? '').split('?');
  const expected = sigv4Signature({
    method: req.method!,
    path: path!,
    query: [...new URLSearchParams(query).entries()],
    headers: names.map((n) => [n, String(req.headers[n])] as const),
    payloadHash,
    amzDate: String(req.headers['x-amz-date']),
    scope: `${date}/${region}/s3/aws4_request`,
    secret: credentials.secretAccessKey,
  });
  return expected === signature ? undefined : `signature mismatch for ${req.method} ${req.url}`;
}

describe('S3ObjectClient signs as S3 checks and retries like the SDK standard mode', () => {
  let http: Server;
  let answers: ((res: import('node:http').ServerResponse) => void)[];
  let seen: { method?: string; url?: string; auth?: string; problem?: string; body: string }[];
  let base: string;
  beforeAll(async () => {
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const problem = signatureProblem(req, body);
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body: body.toString('utf8'),
          ...(problem ? { problem } : {}),
        });
        (answers.shift() ?? ((r) => r.end('ok')))(res);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => http.close(() => r())));

  const slowDown = (res: import('node:http').ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ1' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>REQ1</RequestId></Error>',
    );
  };

  it('signs every request as S3 verifies it: encoded keys, the payload hash, the session token', async () => {
    answers = [];
    seen = [];
    const s3 = new S3ObjectClient({
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'token/with+chars=' },
      endpoint: base,
    });
    const key = 'ssm-output/c 1/i-0a(1)+x*~/ünïcode!/std out';
    await s3.putText('b', key, '{"é":1}', {
      contentType: 'application/json',
      metadata: { sha256: 'abc' },
    });
    await s3.getText('b', key);
    expect(seen.map((s) => s.problem)).toEqual([undefined, undefined]);
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      url: '/b/ssm-output/c%201/i-0a%281%29%2Bx%2A~/%C3%BCn%C3%AFcode%21/std%20out',
      body: '{"é":1}',
    });
    s3.destroy();
  });

  it('retries throttling with growing, bounded backoff, each attempt signed', async () => {
    answers = [slowDown, slowDown];
    seen = [];
    const delays: number[] = [];
    const s3 = new S3ObjectClient({
      region: 'eu-west-1',
      credentials,
      endpoint: base,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.999,
    });
    expect(await s3.getText('b', 'k')).toBe('ok');
    expect(seen).toHaveLength(3);
    expect(
      seen.every((s) => s.method === 'GET' && s.url === '/b/k' && s.problem === undefined),
    ).toBe(true);
    expect(delays).toEqual([199, 399]);
    s3.destroy();
  });

  it('gives up after three attempts with the last error, its request id and how many attempts', async () => {
    answers = [slowDown, slowDown, slowDown, slowDown];
    seen = [];
    const s3 = new S3ObjectClient({
      region: 'eu-west-1',
      credentials,
      endpoint: base,
      sleep: async () => undefined,
    });
    const error = await s3.putText('b', 'k', 'v').catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect((error as Error).message).toBe(
      'S3 PutObject of s3://b/k failed after 3 attempts with SlowDown (HTTP 503): Please reduce your request rate. (request id REQ1); S3 kept failing or throttling; the workflow retries the Task',
    );
    answers = [];
    s3.destroy();
  });

  it('retries a connection that breaks before an answer', async () => {
    answers = [(res) => res.socket?.destroy()];
    seen = [];
    const s3 = new S3ObjectClient({
      region: 'eu-west-1',
      credentials,
      endpoint: base,
      sleep: async () => undefined,
    });
    expect(await s3.getText('b', 'k')).toBe('ok');
    expect(seen).toHaveLength(2);
    s3.destroy();
  });

  it('does not retry a client error, and reads the code from the status when there is no body', async () => {
    answers = [
      (res) => {
        res.writeHead(400);
        res.end();
      },
    ];
    seen = [];
    const s3 = new S3ObjectClient({
      region: 'eu-west-1',
      credentials,
      endpoint: base,
      sleep: async () => undefined,
    });
    await expect(s3.getText('b', 'k')).rejects.toMatchObject({ code: 'BadRequest', status: 400 });
    expect(seen).toHaveLength(1);
    s3.destroy();
  });
});
