/**
 * cdk/constructs/sdk-operation-errors.ts: the schemas file loses its modelled errors'
 * registrations (and keeps its lines), trait keys become plain strings, a command registers the
 * errors its declaration lists; a client's runtime config imports only its package's version
 * (sdk-package-version.ts); and, end to end, the SDK clients bundled as the Lambdas are
 * send the same requests and read the same answers as the unbundled SDK, on every wire shape the
 * handler tests do not reach (EC2 query, REST-JSON, AwsQuery, JSON 1.0), errors included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaEsbuildOptions } from '../../../cdk/constructs/lambda-bundling.js';
import { sdkPackageVersion } from '../../../cdk/constructs/sdk-package-version.js';
import {
  chainTransforms,
  declaredErrors,
  inlineTraitKeys,
  registrationCode,
  splitSchemas,
} from '../../../cdk/constructs/sdk-operation-errors.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { type Outcome, probe } from './fixtures/sdk-wire-probe.js';

const SCHEMAS = [
  'const _e = "error";',
  'const _p = "__proto__";',
  'const n0 = "com.example";',
  'import { TypeRegistry } from "@smithy/core/schema";',
  'import { Gone, Busy } from "../models/errors";',
  'import { ExampleServiceException } from "../models/ExampleServiceException";',
  'const _s_registry = new TypeRegistry("smithy.ts.sdk.synthetic.com.example");',
  'export var ExampleServiceException$ = [-3, "x", "ExampleServiceException", 0, [], []];',
  '_s_registry.registerError(ExampleServiceException$, ExampleServiceException);',
  'const n0_registry = new TypeRegistry(n0);',
  'export var Gone$ = [-3, n0, "Gone", { [_e]: "client", [_p]: 1, [_x]: 2 }, [], []];',
  'n0_registry.registerError(Gone$, Gone);',
  'export var Busy$ = [-3, n0, "Busy", {',
  '    [_e]: "server" }, [], []];',
  'n0_registry.registerError(Busy$, Busy);',
  'export const errorTypeRegistries = [_s_registry, n0_registry];',
].join('\n');

describe('the schemas and commands as written for the bundle', () => {
  it('moves the modelled errors out of the schemas file, keeps the base exception and every line', () => {
    const { contents, moved } = splitSchemas('/c/dist-es/schemas/schemas_0.js', SCHEMAS);

    expect(moved.map((m) => [m.registry, m.schema, m.errorClass])).toEqual([
      ['n0_registry', 'Gone$', 'Gone'],
      ['n0_registry', 'Busy$', 'Busy'],
    ]);
    expect(contents).toContain(
      '_s_registry.registerError(ExampleServiceException$, ExampleServiceException);',
    );
    expect(contents).not.toContain('registerError(Gone$');
    expect(contents).toMatch(/\nexport \{ n0_registry \};\n$/);
    const lines = contents.split('\n');
    expect(lines.slice(0, SCHEMAS.split('\n').length).join('\n')).toBe(
      inlineTraitKeys(SCHEMAS).replace(/^n0_registry\.registerError\(.*$/gm, ''),
    );
  });

  it("writes a known constant's computed key as its string, but not __proto__ or an unknown name", () => {
    expect(inlineTraitKeys(SCHEMAS)).toContain('{ "error": "client", [_p]: 1, [_x]: 2 }');
    expect(inlineTraitKeys(SCHEMAS)).toContain('{\n    "error": "server" }');
  });

  it("reads a command's errors from its declaration; no declaration is unknown, not none", () => {
    const declaration =
      '/**\n * @throws {@link Gone} (client fault)\n * @throws {@link ExampleServiceException}\n */';
    expect([...declaredErrors(declaration)!]).toEqual(['Gone', 'ExampleServiceException']);
    expect(declaredErrors('/** no errors */')!.size).toBe(0);
    expect(declaredErrors(undefined)).toBeUndefined();
  });

  it('a command registers each of its errors with the registry the schemas file used', () => {
    const [gone] = splitSchemas('/c/dist-es/schemas/schemas_0.js', SCHEMAS).moved;
    expect(registrationCode([gone!], '/c/dist-es/models/errors.js')).toBe(
      [
        'import { n0_registry as __reg0, Gone$ as __schema0 } from "/c/dist-es/schemas/schemas_0.js";',
        'import { Gone as __error0 } from "/c/dist-es/models/errors.js";',
        '__reg0.registerError(__schema0, __error0);',
      ].join('\n'),
    );
  });
});

describe("a client's runtime config and its package.json", () => {
  const path = '/n/node_modules/@aws-sdk/client-x/dist-es/runtimeConfig.js';
  const config = [
    'import packageInfo from "../package.json";',
    'export const get = () => ({',
    '  ua: ua({ clientVersion: packageInfo.version }),',
    '});',
  ].join('\n');

  it('imports the version alone, line for line', () => {
    expect(sdkPackageVersion()(path, config)).toBe(
      [
        'import { version as __packageInfoVersion } from "../package.json";',
        'export const get = () => ({',
        '  ua: ua({ clientVersion: __packageInfoVersion }),',
        '});',
      ].join('\n'),
    );
  });

  it('leaves a file that reads anything else of the package, or is not a runtime config', () => {
    expect(
      sdkPackageVersion()(path, `${config}\nexport const n = packageInfo.name;`),
    ).toBeUndefined();
    expect(sdkPackageVersion()(path, `${config}\nexport const p = packageInfo;`)).toBeUndefined();
    expect(sdkPackageVersion()(path.replace('runtimeConfig', 'other'), config)).toBeUndefined();
  });

  it('transforms chain: each gets the text the previous one wrote; none changed is undefined', () => {
    const upper = (_: string, s: string) => s.toUpperCase();
    const none = () => undefined;
    expect(chainTransforms(none, upper, (_, s) => `${s}!`)('p', 'a')).toBe('A!');
    expect(chainTransforms(none, none)('p', 'a')).toBeUndefined();
  });
});

/** Each operation's answers, in call order (status, headers, body). */
const ANSWERS: Record<string, [number, Record<string, string>, string][]> = {
  DescribeInstances: [
    [
      200,
      { 'content-type': 'text/xml' },
      '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>' +
        '<reservationSet><item><reservationId>r-0a</reservationId><instancesSet><item>' +
        '<instanceId>i-0a1b2c3d4e5f60718</instanceId><privateDnsName>ip-10-0-0-1.eu-west-1.compute.internal</privateDnsName>' +
        '<launchTime>2026-11-23T09:01:47.000Z</launchTime><instanceState><code>16</code><name>running</name></instanceState>' +
        '<tagSet><item><key>Name</key><value>web</value></item></tagSet>' +
        '</item></instancesSet></item></reservationSet></DescribeInstancesResponse>',
    ],
    [
      400,
      { 'content-type': 'text/xml' },
      '<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID does not exist</Message>' +
        '</Error></Errors><RequestID>r-2</RequestID></Response>',
    ],
  ],
  DescribeCluster: [
    [
      200,
      { 'content-type': 'application/json' },
      JSON.stringify({
        cluster: {
          name: 'prod',
          arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
          createdAt: 1763888507.5,
          endpoint: 'https://prod.eks.invalid',
          certificateAuthority: { data: 'Zm9v' },
          status: 'ACTIVE',
          tags: { team: 'ops' },
        },
      }),
    ],
    [
      404,
      { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
      JSON.stringify({ message: 'No cluster found for name: prod.', clusterName: 'prod' }),
    ],
    [
      403,
      { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
      JSON.stringify({ message: 'denied' }),
    ],
  ],
  AssumeRole: [
    [
      200,
      { 'content-type': 'text/xml' },
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
        '<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>' +
        '<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>' +
        '<Expiration>2026-12-03T10:00:00Z</Expiration></Credentials></AssumeRoleResult>' +
        '<ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></AssumeRoleResponse>',
    ],
    ...(['MalformedPolicyDocument', 'IDPCommunicationError'] as const).map(
      (code): [number, Record<string, string>, string] => [
        400,
        { 'content-type': 'text/xml' },
        `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>no: ${code}</Message></Error>` +
          '<RequestId>r-4</RequestId></ErrorResponse>',
      ],
    ),
  ],
  SendTaskSuccess: [
    [200, { 'content-type': 'application/x-amz-json-1.0' }, '{}'],
    [
      400,
      { 'content-type': 'application/x-amz-json-1.0' },
      JSON.stringify({ __type: 'com.amazonaws.sfn#TaskTimedOut', message: 'Task Timed Out' }),
    ],
    [
      400,
      { 'content-type': 'application/x-amz-json-1.0' },
      JSON.stringify({ __type: 'ActivityDoesNotExist', message: 'no activity' }),
    ],
  ],
};

/** What the server received, one line per request (signatures and dates left out: they differ). */
let requests: string[] = [];
/** The x-amz-user-agent of each request: it carries the client's version. */
let agents: string[] = [];
let server: Server;
let endpoint = '';
const out = mkdtempSync(join(tmpdir(), 'paramedic-sdk-wire-'));

function operationOf(request: IncomingMessage, body: string): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  if (request.url?.startsWith('/clusters/')) return 'DescribeCluster';
  return new URLSearchParams(body).get('Action') ?? 'unknown';
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const operation = operationOf(request, body);
    const seen = requests.filter((r) => r.startsWith(`${operation} `)).length;
    requests.push(
      `${operation} ${request.method} ${request.url} ${request.headers['content-type'] ?? ''} ${body}`,
    );
    agents.push(String(request.headers['x-amz-user-agent']));
    const [status, headers, text] = ANSWERS[operation]?.[seen] ?? [500, {}, 'no answer'];
    response.writeHead(status, { 'x-amzn-requestid': 'r', ...headers });
    response.end(text);
  });
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(out, { recursive: true, force: true });
});

async function run(
  probeOf: () => Promise<typeof probe>,
): Promise<{ outcomes: Outcome[]; sent: string[]; agents: string[] }> {
  requests = [];
  agents = [];
  const outcomes = await (await probeOf())(endpoint);
  return { outcomes, sent: requests, agents };
}

describe('SDK clients bundled as the Lambdas are', () => {
  it('send the same requests and read the same answers as the unbundled SDK', async () => {
    const outfile = join(out, 'probe.mjs');
    await build({
      ...lambdaEsbuildOptions(REPO_ROOT),
      entryPoints: [join(REPO_ROOT, 'test/unit/cdk/fixtures/sdk-wire-probe.ts')],
      outfile,
      logLevel: 'error',
    });

    const unbundled = await run(async () => probe);
    const bundled = await run(
      async () =>
        ((await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as { probe: typeof probe })
          .probe,
    );

    expect(bundled.sent).toEqual(unbundled.sent);
    expect(bundled.sent).toHaveLength(11);
    // The version each package.json gives (the unbundled SDK's CommonJS build carries its own copy).
    const version = (client: string) =>
      `aws-sdk-js/${JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@aws-sdk', client, 'package.json'), 'utf8')).version}`;
    expect(bundled.agents).toEqual(
      [
        ...Array(2).fill('client-ec2'),
        ...Array(3).fill('client-eks'),
        ...Array(3).fill('client-sts'),
        ...Array(3).fill('client-sfn'),
      ].map(version),
    );
    // Every answer was read alike, but for the one error no call of its command models.
    const unmodelled = [4, 7, 10];
    for (const [i, got] of bundled.outcomes.entries())
      if (!unmodelled.includes(i)) expect(got, `call ${i}`).toEqual(unbundled.outcomes[i]);
    expect(bundled.outcomes[3]).toMatchObject({
      name: 'ResourceNotFoundException',
      specific: true,
      clusterName: 'prod',
    });
    expect(bundled.outcomes[6]).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      specific: true,
    });
    expect(bundled.outcomes[9]).toMatchObject({ name: 'TaskTimedOut', specific: true });
    expect((bundled.outcomes[0]!.output as { Reservations: unknown[] }).Reservations).toHaveLength(
      1,
    );
    // An error the operation does not model: the client's base exception, named by the wire's
    // code, with its message, fault and status; only `instanceof` the specific class differs.
    for (const i of unmodelled) {
      const { specific: _b, name: bundledName, ...bundledRest } = bundled.outcomes[i]!;
      const { specific: _u, name: _n, ...unbundledRest } = unbundled.outcomes[i]!;
      expect(unbundled.outcomes[i]!.specific, `call ${i}`).toBe(true);
      expect(bundled.outcomes[i]!.specific, `call ${i}`).toBe(false);
      expect(bundledRest, `call ${i}`).toEqual({ ...unbundledRest, base: true });
      expect(typeof bundledName).toBe('string');
    }
    expect(bundled.outcomes.map((o) => o.name)).toEqual([
      undefined,
      'InvalidInstanceID.NotFound',
      undefined,
      'ResourceNotFoundException',
      'AccessDeniedException',
      undefined,
      'MalformedPolicyDocumentException',
      'IDPCommunicationError',
      undefined,
      'TaskTimedOut',
      'ActivityDoesNotExist',
    ]);
  }, 120_000);
});
