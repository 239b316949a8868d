/**
 * Notifier over one SNS topic (approval requests, escalations, reports). SNS caps a message at
 * 256 KB and a subject at 100 characters: both are cut here, with the full record in the audit trail.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../../core/ports.js';

/** Largest message body we publish (below SNS's 262,144-byte limit, leaving room for attributes). */
export const MAX_SNS_BODY = 250_000;

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
    // Subjects must be ASCII without line breaks, at most 100 characters.
    const subject = message.subject.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100);
    const body =
      Buffer.byteLength(message.body) > MAX_SNS_BODY
        ? `${message.body.slice(0, MAX_SNS_BODY - 64)}\n…(cut; see the audit record)`
        : message.body;
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: body,
        MessageAttributes: { kind: { DataType: 'String', StringValue: message.kind } },
      }),
    );
  }
}
