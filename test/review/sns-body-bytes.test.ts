/**
 * Review reproduction: SnsNotifier measures the body in UTF-8 bytes but cuts it in UTF-16 code
 * units (`slice(0, MAX_SNS_BODY - 64)`). The steps cap their bodies at 200,000 characters, so a body
 * with non-ASCII text (evidence lines, log excerpts, `…`) is between 250,000 and 600,000 bytes and
 * is published uncut: SNS refuses anything over 262,144 bytes (InvalidParameter: Message too long).
 * The approval request, the escalation or the report is then never sent and the step throws
 * (RequestApproval: the run fails without asking anyone; Escalate: nobody is told, after its rollback).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../../lambdas/adapters/sns/sns-notifier.js';

const sns = mockClient(SNSClient);
const SNS_MAX_BYTES = 262_144;

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SnsNotifier with a body of multi-byte text', () => {
  it('publishes at most 256 KiB, as SNS accepts', async () => {
    // 200,000 characters (the steps' cap) of evidence text where every character is 3 bytes (e.g. `…`, CJK log lines).
    const body = JSON.stringify({ evidence: '…'.repeat(199_980) });
    expect(body.length).toBeLessThanOrEqual(200_000);

    await new SnsNotifier(new SNSClient({}), 'arn:aws:sns:us-east-1:123456789012:t').notify({
      kind: 'escalation',
      subject: 'x',
      body,
    });

    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});
