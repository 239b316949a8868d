/**
 * A loopback stand-in for the AWS calls of the EKS access path, with accounts: STS AssumeRole
 * (Query protocol; issues temporary keys of the role's account) and EKS DescribeCluster (REST-JSON;
 * answers only for a cluster of the caller's account, in the region the request is signed for).
 * Every request's SigV4 signature is recomputed with the secret of the key that signed it
 * (test/support/sigv4.ts); an unknown key or a wrong signature is refused as AWS refuses it. It also
 * answers what STS answers EKS for a bearer token: whose presigned GetCallerIdentity it is.
 * Reached through AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_EKS, so the clients under test are the
 * real ones the Lambda builds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { presignedGetSignature, sha256Hex, sigv4Signature } from '../../support/sigv4.js';

/** An access key the endpoint knows, and whose it is. */
export interface Principal {
  readonly account: string;
  readonly secret: string;
  readonly sessionToken?: string;
  /** The role an AssumeRole issued it for. */
  readonly roleArn?: string;
  readonly expiration?: Date;
}

/** A request that passed the signature check. */
export interface SignedCall {
  readonly service: string;
  readonly action: string;
  readonly accessKeyId: string;
  readonly account: string;
  /** The region of the credential scope. */
  readonly region: string;
  readonly detail: Readonly<Record<string, string>>;
}

/** A cluster as DescribeCluster returns it. */
export interface LocalCluster {
  readonly endpoint: string;
  /** PEM of the CA that signed the API server's certificate. */
  readonly caPem: string;
}

/** Whose an EKS token is: the verified caller of its presigned GetCallerIdentity. */
export interface TokenCaller {
  readonly accessKeyId: string;
  readonly account: string;
  readonly region: string;
  readonly url: URL;
}

const amzDateMs = (d: string): number =>
  Date.parse(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );

/** The local endpoint. */
export class LocalAwsApi {
  readonly principals = new Map<string, Principal>();
  readonly calls: SignedCall[] = [];
  /** Refusals, with why (a test that expects none says so). */
  readonly refused: string[] = [];
  private readonly clusters = new Map<string, LocalCluster>();
  private issued = 0;
  private server?: Server;

  /** Registers a cluster of `account` in `region`. */
  addCluster(account: string, region: string, name: string, cluster: LocalCluster): void {
    this.clusters.set(`${account}/${region}/${name}`, cluster);
  }

  /** The base URL, for AWS_ENDPOINT_URL_*. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /**
   * What STS would answer for the presigned GetCallerIdentity inside an EKS token bound to
   * `clusterName`: its verified caller, or undefined (bad format, unknown key, wrong signature,
   * other cluster, older than 15 minutes at `now`, or credentials expired).
   */
  callerOfToken(token: string, clusterName: string, now = new Date()): TokenCaller | undefined {
    if (!token.startsWith('k8s-aws-v1.')) return undefined;
    let url: URL;
    try {
      url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const credential = url.searchParams.get('X-Amz-Credential')?.split('/') ?? [];
    const [accessKeyId, , region, service] = credential;
    const principal = accessKeyId ? this.principals.get(accessKeyId) : undefined;
    const date = url.searchParams.get('X-Amz-Date');
    if (
      !principal ||
      service !== 'sts' ||
      !region ||
      !date ||
      url.searchParams.get('Action') !== 'GetCallerIdentity'
    )
      return undefined;
    if (url.host !== `sts.${region}.amazonaws.com`) return undefined;
    if (!url.searchParams.get('X-Amz-SignedHeaders')?.split(';').includes('x-k8s-aws-id'))
      return undefined;
    if ((url.searchParams.get('X-Amz-Security-Token') ?? undefined) !== principal.sessionToken)
      return undefined;
    if (
      now.getTime() - amzDateMs(date) > 15 * 60_000 ||
      (principal.expiration && principal.expiration <= now)
    )
      return undefined;
    if (
      url.searchParams.get('X-Amz-Signature') !==
      presignedGetSignature(url, { 'x-k8s-aws-id': clusterName }, principal.secret)
    )
      return undefined;
    return { accessKeyId, account: principal.account, region, url };
  }

  private refuse(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    json: boolean,
  ): void {
    this.refused.push(`${code}: ${message}`);
    if (json)
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': code })
        .end(JSON.stringify({ message }));
    else
      res
        .writeHead(status, { 'content-type': 'text/xml' })
        .end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        );
  }

  /** The verified signer of a header-signed request, or a reason. */
  private signer(
    req: IncomingMessage,
    body: string,
  ): { accessKeyId: string; principal: Principal; region: string; service: string } | string {
    const auth = String(req.headers.authorization ?? '');
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
        auth,
      );
    if (!m) return 'no SigV4 Authorization header';
    const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
    const principal = this.principals.get(accessKeyId!);
    if (!principal) return `unknown access key ${accessKeyId}`;
    if (principal.sessionToken !== (req.headers['x-amz-security-token'] ?? undefined))
      return 'session token does not match the key';
    const url = new URL(req.url ?? '/', 'http://local');
    const expected = sigv4Signature({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: [...url.searchParams.entries()],
      payloadHash: sha256Hex(body),
      secret: principal.secret,
      headers: signedHeaders!.split(';').map((h) => [h, String(req.headers[h] ?? '')] as const),
      amzDate: String(req.headers['x-amz-date']),
      scope: `${date}/${region}/${service}/aws4_request`,
    });
    return expected === signature
      ? { accessKeyId: accessKeyId!, principal, region: region!, service: service! }
      : 'signature does not match';
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const signer = this.signer(req, body);
    // STS speaks the Query protocol (a form body, XML answers); EKS REST-JSON.
    const json = !body.includes('Action=');
    if (typeof signer === 'string') {
      this.refuse(
        res,
        403,
        json ? 'UnrecognizedClientException' : 'SignatureDoesNotMatch',
        signer,
        json,
      );
      return;
    }
    const { accessKeyId, principal, region, service } = signer;
    if (service === 'sts') {
      const form = new URLSearchParams(body);
      if (form.get('Action') !== 'AssumeRole') {
        this.refuse(res, 400, 'InvalidAction', `${form.get('Action')} is not served here`, false);
        return;
      }
      const roleArn = form.get('RoleArn') ?? '';
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      if (!account) {
        this.refuse(res, 400, 'ValidationError', `bad RoleArn ${roleArn}`, false);
        return;
      }
      this.calls.push({
        service,
        action: 'AssumeRole',
        accessKeyId,
        account: principal.account,
        region,
        detail: { roleArn, externalId: form.get('ExternalId') ?? '' },
      });
      this.issued += 1;
      const issued = {
        id: `ASIALOCAL${String(this.issued).padStart(11, '0')}`,
        secret: `local-secret-${this.issued}`,
        token: `local-session-${this.issued}`,
        expiration: new Date(Date.now() + 3600_000),
      };
      this.principals.set(issued.id, {
        account,
        secret: issued.secret,
        sessionToken: issued.token,
        roleArn,
        expiration: issued.expiration,
      });
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>${issued.id}</AccessKeyId><SecretAccessKey>${issued.secret}</SecretAccessKey><SessionToken>${issued.token}</SessionToken><Expiration>${issued.expiration.toISOString()}</Expiration></Credentials>
<AssumedRoleUser><Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/s</Arn><AssumedRoleId>AROALOCAL:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      return;
    }
    const describe = /^\/clusters\/([^/?]+)$/.exec(
      new URL(req.url ?? '/', 'http://local').pathname,
    );
    if (service !== 'eks' || req.method !== 'GET' || !describe) {
      this.refuse(
        res,
        400,
        'InvalidRequestException',
        `${req.method} ${req.url} is not served here`,
        true,
      );
      return;
    }
    const name = decodeURIComponent(describe[1]!);
    this.calls.push({
      service,
      action: 'DescribeCluster',
      accessKeyId,
      account: principal.account,
      region,
      detail: { name },
    });
    const cluster = this.clusters.get(`${principal.account}/${region}/${name}`);
    if (!cluster) {
      this.refuse(
        res,
        404,
        'ResourceNotFoundException',
        `No cluster found for name: ${name}.`,
        true,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        cluster: {
          name,
          arn: `arn:aws:eks:${region}:${principal.account}:cluster/${name}`,
          status: 'ACTIVE',
          endpoint: cluster.endpoint,
          certificateAuthority: { data: Buffer.from(cluster.caPem).toString('base64') },
        },
      }),
    );
  }
}
