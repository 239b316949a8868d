/**
 * The SSM runner when a host could not upload its output (its instance role lacks the stack's
 * InstanceOutputPolicy or the bucket's KMS key): SSM still lists the output's S3 URL, but no object
 * is there. SSM is mocked (no local server exists); the bucket is s3rver, read through the
 * project's S3 client. SSM's inline forms are the agent's: GetCommandInvocation keeps 24,000
 * characters ending "--output truncated--", a listed plugin Output 2,500 with
 * "\n---Output truncated---" (amazon-ssm-agent, agent/framework/processor/executer/iohandler).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { S3ObjectClient } from '../../../lambdas/adapters/s3/s3-object-client.js';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import { collectFromWait } from '../../../lambdas/core/workflow/evidence-collection.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';
import {
  commandWaitsInState,
  sendAndRegister,
} from '../../../lambdas/core/workflow/waited-commands.js';
import { memoryState } from '../../support/memory-state-store.js';
import { EVIDENCE_BUCKET, LocalS3 } from './lambda-harness.js';

const ssm = mockClient(SSMClient);
const s3 = new LocalS3();
let objects: S3ObjectClient;

beforeAll(async () => {
  await s3.start();
  objects = new S3ObjectClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    endpoint: s3.endpoint,
  });
});
afterAll(async () => {
  objects.destroy();
  await s3.stop();
});
beforeEach(() => ssm.reset());

const recorded = (name: string) =>
  readFileSync(join(import.meta.dirname, `../../fixtures/recorded/${name}.json`), 'utf8');
/** 34,859 characters: over GetCommandInvocation's 24,000. */
const LARGE_BUNDLE = recorded('docker-healthy-daemon');
/** 17,424 characters: over a listed Output's 2,500, under 24,000. */
const MEDIUM_BUNDLE = recorded('docker-daemon-killed');

/** stdout as GetCommandInvocation returns it. */
const inline = (out: string) =>
  out.length <= 24_000 ? out : `${out.slice(0, 24_000 - 20)}--output truncated--`;
/** A plugin's Output as ListCommandInvocations returns it. */
const listed = (out: string) =>
  out.length < 2_500 ? out : `${out.slice(0, 2_500 - 22)}\n---Output truncated---`;
const key = (commandId: string, id: string, stream = 'stdout') =>
  `ssm-output/${commandId}/${id}/awsrunShellScript/paramedic/${stream}`;
const url = (commandId: string, id: string, stream = 'stdout') =>
  `https://s3.eu-west-1.amazonaws.com/${EVIDENCE_BUCKET}/${key(commandId, id, stream)}`;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);

/** SSM after command `commandId` ran on every host, each printing `outputOf(host)`. */
function ranEverywhere(commandId: string, outputOf: (id: string) => string) {
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: commandId } });
  ssm.on(ListCommandInvocationsCommand).callsFake(async () => ({
    CommandInvocations: ids(2).map((id) => ({
      InstanceId: id,
      Status: 'Success',
      StatusDetails: 'Success',
      CommandPlugins: [
        {
          ResponseCode: 0,
          Output: listed(outputOf(id)),
          StandardOutputUrl: url(commandId, id),
          StandardErrorUrl: url(commandId, id, 'stderr'),
        },
      ],
    })),
  }));
  ssm.on(GetCommandInvocationCommand).callsFake(async (input) => ({
    Status: 'Success',
    StatusDetails: 'Success',
    ResponseCode: 0,
    StandardOutputContent: inline(outputOf(input.InstanceId)),
    StandardOutputUrl: url(commandId, input.InstanceId),
    StandardErrorContent: '',
    StandardErrorUrl: url(commandId, input.InstanceId, 'stderr'),
  }));
}

const runner = () =>
  new SsmCommandRunner(new SSMClient({ region: 'eu-west-1' }), {
    outputBucket: EVIDENCE_BUCKET,
    s3: objects,
    sleep: async () => {},
    pollInitialMs: 1,
  });

describe('reading a command whose hosts could not upload their output', () => {
  it('a bundle under 24,000 characters comes whole from GetCommandInvocation, not cut at 2,500 from the list', async () => {
    ranEverywhere('c-medium', () => MEDIUM_BUNDLE);

    const results = await runner().read({ commandId: 'c-medium', targets: ids(2), sentAt: 0 }, 'x');

    for (const r of results) {
      expect(r.stdout).toBe(MEDIUM_BUNDLE);
      expect(r.outputError).toBeUndefined();
      // Nothing is stored there: the result points at no object.
      expect(r.outputUri).toBeUndefined();
    }
  });

  it('a bundle over 24,000 characters is an error that names the policy to attach, not a cut bundle', async () => {
    ranEverywhere('c-large', () => LARGE_BUNDLE);

    const results = await runner().read({ commandId: 'c-large', targets: ids(2), sentAt: 0 }, 'x');

    for (const [i, r] of results.entries()) {
      expect(r.status).toBe('Success');
      expect(r.outputError).toMatch(
        new RegExp(
          `^SSM could not store the output of ${ids(2)[i]} in bucket ${EVIDENCE_BUCKET}, and returns only its start \\(24000 characters\\)`,
        ),
      );
      expect(r.outputError).toMatch(
        /attach the managed policy of stack output InstanceOutputPolicyArn \(upload to ssm-output\/\* and use of the bucket's KMS key\) to the host's instance profile role, or list the role in config instanceRoleNames and deploy$/,
      );
      expect(r.outputError!.length).toBeLessThanOrEqual(400);
    }
  });

  it('one host alone (GetCommandInvocation only): over 24,000 characters is the same error', async () => {
    ranEverywhere('c-one', () => LARGE_BUNDLE);

    const [r] = await runner().run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: [ids(1)[0]!],
      timeoutSeconds: 60,
    });

    expect(r!.stdout).toHaveLength(24_000);
    expect(r!.outputError).toMatch(/could not store the output .* InstanceOutputPolicyArn/);
  });

  it('when the host could upload it, the whole output and its stderr over 8,000 characters come from the bucket', async () => {
    ranEverywhere('c-stored', () => LARGE_BUNDLE);
    const [id] = ids(1);
    const stderr = 'warning: slow disk\n'.repeat(600);
    await objects.putText(EVIDENCE_BUCKET, key('c-stored', id!), LARGE_BUNDLE);
    await objects.putText(EVIDENCE_BUCKET, key('c-stored', id!, 'stderr'), stderr);
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: inline(LARGE_BUNDLE),
      StandardOutputUrl: url('c-stored', id!),
      StandardErrorContent: stderr.slice(0, 8_000),
      StandardErrorUrl: url('c-stored', id!, 'stderr'),
    });

    const [r] = await runner().run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: [id!],
      timeoutSeconds: 60,
    });

    expect(r!.stdout).toBe(LARGE_BUNDLE);
    expect(r!.stderr).toBe(stderr);
    expect(r!.outputError).toBeUndefined();
    expect(r!.outputUri).toBe(`s3://${EVIDENCE_BUCKET}/${key('c-stored', id!)}`);
  });
});

describe("Collect's evidence of such a host", () => {
  it('says why the output is missing and what to attach, not "not an evidence bundle"', async () => {
    ranEverywhere('c-collect', () => LARGE_BUNDLE);
    const r = runner();
    const state = memoryState();
    const p = {
      commands: r,
      deferredCommands: r,
      commandWaits: commandWaitsInState(state),
      state,
    };
    const execution = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:run-1';
    const clock = { now: () => new Date('2026-12-02T10:00:00Z') };
    await sendAndRegister(
      p,
      clock,
      [
        {
          document: 'Paramedic-CollectDockerHost',
          parameters: {},
          targets: ids(2),
          timeoutSeconds: 600,
        },
      ],
      { executionId: execution, phase: 'triage', taskToken: 't', waitSeconds: 720 },
    );

    const result = await collectFromWait(
      {
        ...p,
        evidence: {
          put: async () => {
            throw new Error('no bundle to store');
          },
          get: async () => {
            throw new Error('not read here');
          },
        },
        config: { collectTimeoutSeconds: 600 },
      },
      execution,
      'triage',
      ids(2).map((id) => ({ id, platform: 'docker' }) as Target),
      clock,
      {},
      'x',
    );

    expect(result.collected).toBe(0);
    for (const e of result.evidence) {
      expect(e.error).toMatch(/^SSM could not store the output of i-\d+ in bucket /);
      expect(e.error).toMatch(/InstanceOutputPolicyArn/);
      expect(e.error).not.toMatch(/not an evidence bundle/);
    }
  });
});
