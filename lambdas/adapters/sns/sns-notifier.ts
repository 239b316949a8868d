/**
 * Notifier over one SNS topic (approval requests, escalations, reports). SNS caps a message at
 * 262,144 UTF-8 bytes (not characters) and a subject at under 100 ASCII-safe characters without
 * line breaks: both are cut here, with the full record in the audit trail.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../../core/ports.js';
import { utf8Prefix } from './utf8-prefix.js';

/** Largest message body we publish, in UTF-8 bytes (below SNS's 262,144, leaving room for the attributes). */
export const MAX_SNS_BODY = 250_000;
/** Longest subject we publish: SNS wants it "less than 100 characters long". */
export const MAX_SNS_SUBJECT = 99;
/** Ends a body that was cut (ASCII, so its size is its length). */
export const CUT_MARKER = `\n...(cut at ${MAX_SNS_BODY} bytes; the full record is in the audit trail)`;

/** The body as SNS accepts it: whole when it fits, else its longest UTF-8 prefix that fits with the marker. */
export function snsBody(body: string): string {
  if (Buffer.byteLength(body, 'utf8') <= MAX_SNS_BODY) return body;
  return `${utf8Prefix(body, MAX_SNS_BODY - CUT_MARKER.length)}${CUT_MARKER}`;
}

/** The subject as SNS accepts it: printable ASCII only (no line breaks), under 100 characters. */
export function snsSubject(subject: string): string {
  return subject.replace(/[^\x20-\x7e]/g, ' ').slice(0, MAX_SNS_SUBJECT);
}

/** Publishes to a topic with the message kind as an attribute (subscribers may filter on it). */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(message: {
    subject: string;
    body: string;
    kind: 'approval' | 'escalation' | 'report';
  }): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(message.subject),
        Message: snsBody(message.body),
        MessageAttributes: { kind: { DataType: 'String', StringValue: message.kind } },
      }),
    );
  }
}
