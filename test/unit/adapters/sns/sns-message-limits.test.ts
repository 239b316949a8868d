/**
 * SNS limits a message to 262,144 UTF-8 bytes, not characters: a body of multi-byte text (evidence
 * lines with `…`, CJK log excerpts, emoji) must be cut by bytes, on a code point boundary, with a
 * marker saying where the full record is. Subjects must be printable, without line breaks, under
 * 100 characters. (A review found bodies cut in characters reaching ~600 KB, which SNS refuses.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CUT_MARKER,
  MAX_SNS_BODY,
  SnsNotifier,
  snsBody,
  snsSubject,
} from '../../../../lambdas/adapters/sns/sns-notifier.js';
import { utf8Prefix } from '../../../../lambdas/adapters/sns/utf8-prefix.js';

const sns = mockClient(SNSClient);
const SNS_MAX_BYTES = 262_144;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
/** True when the string has no lone surrogate (a split pair). */
const wellFormed = (s: string): boolean =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

async function published(
  body: string,
  subject = 'x',
): Promise<{ message: string; subject: string }> {
  await new SnsNotifier(new SNSClient({}), 'arn:aws:sns:us-east-1:123456789012:t').notify({
    kind: 'escalation',
    subject,
    body,
  });
  const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
  return { message: input.Message!, subject: input.Subject! };
}

describe('SnsNotifier body limit (bytes, not characters)', () => {
  it('publishes at most 256 KiB for 200,000 characters of 3-byte text (the steps cap bodies in characters)', async () => {
    const body = JSON.stringify({ evidence: '…'.repeat(199_980) });
    expect(body.length).toBeLessThanOrEqual(200_000);

    const { message } = await published(body);

    expect(bytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(bytes(message)).toBeLessThanOrEqual(MAX_SNS_BODY);
    expect(message.endsWith(CUT_MARKER)).toBe(true);
    expect(body.startsWith(message.slice(0, -CUT_MARKER.length))).toBe(true);
  });

  it('publishes a body that fits unchanged, up to the last byte', async () => {
    const body = `${'a'.repeat(MAX_SNS_BODY - 3)}…`;
    expect(bytes(body)).toBe(MAX_SNS_BODY);

    expect((await published(body)).message).toBe(body);
  });

  it.each([
    ['a 3-byte character', '…'],
    ['a 4-byte character (surrogate pair)', '😀'],
    ['a CJK character', '漢'],
  ])('never splits %s straddling the cut', (_name, wide) => {
    const room = MAX_SNS_BODY - CUT_MARKER.length;
    // The wide character starts 1 byte before the budget ends: it does not fit and must go whole.
    const body = `${'a'.repeat(room - 1)}${wide}${'b'.repeat(1000)}`;

    const cut = snsBody(body);

    expect(cut).toBe(`${'a'.repeat(room - 1)}${CUT_MARKER}`);
    expect(wellFormed(cut)).toBe(true);
    expect(bytes(cut)).toBeLessThanOrEqual(MAX_SNS_BODY);
  });

  it('keeps a wide character that ends exactly at the budget', () => {
    const room = MAX_SNS_BODY - CUT_MARKER.length;
    const body = `${'a'.repeat(room - 4)}😀${'b'.repeat(1000)}`;

    expect(snsBody(body)).toBe(`${'a'.repeat(room - 4)}😀${CUT_MARKER}`);
  });
});

describe('utf8Prefix', () => {
  it.each([
    ['a…b', 3, 'a'],
    ['a…b', 4, 'a…'],
    ['😀😀', 7, '😀'],
    ['😀😀', 8, '😀😀'],
    ['abc', 0, ''],
  ])('%j in %i bytes is %j', (text, max, expected) => {
    expect(utf8Prefix(text, max)).toBe(expected);
  });
});

describe('SnsNotifier subject', () => {
  it('is printable ASCII without line breaks, under 100 characters', async () => {
    const { subject } = await published(
      '{}',
      `[paramedic] escalation:\r\nnode — ${'x'.repeat(200)}`,
    );

    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.length).toBeLessThan(100);
    expect(snsSubject('[paramedic] ok')).toBe('[paramedic] ok');
  });
});
