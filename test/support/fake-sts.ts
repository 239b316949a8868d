/**
 * STS's GetCallerIdentity as the approve function meets it, on 127.0.0.1: it checks a presigned
 * request's SigV4 signature the way STS does (recomputed from the secret key with test/support/sigv4.ts,
 * over the query and every signed header as received), refuses expired or unknown-key requests with STS's XML errors,
 * and answers the signer's ARN in STS's JSON. `fetch` routes `https://sts.<region>.amazonaws.com/`
 * to it; every other URL goes to the real fetch.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { presignedGetSignature } from './sigv4.js';

/** A principal STS knows: its keys and the ARN GetCallerIdentity answers with. */
export interface FakePrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly arn: string;
}

/** A running fake STS. */
export interface FakeSts {
  /** A fetch that sends STS requests to the fake (the host STS would have seen is kept for the signature). */
  readonly fetch: typeof fetch;
  /** Requests received: the binding header and the answer's status. */
  readonly calls: { binding: string | undefined; status: number }[];
  stop(): Promise<void>;
}

const STS_HOST = /^sts\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
const xmlError = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`;

function amzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** STS's answer to one request: status and body. */
async function answer(
  req: IncomingMessage,
  principals: readonly FakePrincipal[],
  now: () => Date,
): Promise<{ status: number; body: string }> {
  const host = String(req.headers['x-fake-sts-host'] ?? '');
  const url = new URL(req.url ?? '/', `https://${host}`);
  const q = url.searchParams;
  const [accessKeyId] = (q.get('X-Amz-Credential') ?? '').split('/');
  const principal = principals.find((p) => p.accessKeyId === accessKeyId);
  if (!principal)
    return {
      status: 403,
      body: xmlError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      ),
    };
  const signingDate = amzDate(q.get('X-Amz-Date') ?? '');
  const expiresIn = Number(q.get('X-Amz-Expires'));
  if (signingDate.getTime() + expiresIn * 1000 < now().getTime())
    return {
      status: 403,
      body: xmlError('ExpiredToken', 'The security token included in the request is expired'),
    };
  // Recompute the signature over what arrived (independently of the signer under test): the query
  // and the received values of the signed headers, for the host STS would have seen.
  const headers: Record<string, string> = {};
  for (const name of (q.get('X-Amz-SignedHeaders') ?? '').split(';'))
    headers[name] = String(req.headers[name] ?? '');
  if (presignedGetSignature(url, headers, principal.secretAccessKey) !== q.get('X-Amz-Signature')) {
    return {
      status: 403,
      body: xmlError(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ),
    };
  }
  const account = principal.arn.split(':')[4];
  return {
    status: 200,
    body: JSON.stringify({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Account: account, Arn: principal.arn, UserId: 'AIDAFAKE' },
        ResponseMetadata: { RequestId: 'fake' },
      },
    }),
  };
}

/** Starts the fake on 127.0.0.1 with the principals it knows; `now` is STS's clock. */
export async function startFakeSts(
  principals: readonly FakePrincipal[],
  now: () => Date = () => new Date(),
): Promise<FakeSts> {
  const calls: FakeSts['calls'] = [];
  const server: Server = createServer((req, res) => {
    answer(req, principals, now).then(
      ({ status, body }) => {
        calls.push({ binding: req.headers['x-paramedic-approval'] as string | undefined, status });
        res
          .writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/xml' })
          .end(body);
      },
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const realFetch = globalThis.fetch;
  const routed: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!STS_HOST.test(url.hostname)) return realFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('x-fake-sts-host', url.hostname);
    return realFetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, { ...init, headers });
  };
  return {
    fetch: routed,
    calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
