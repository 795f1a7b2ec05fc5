import { readFile } from 'node:fs/promises';
import { FEEDBACK_TAGS, type MessageIds } from '../../../functions/core/feedback/outcome.ts';

/** Cairn's ids, as the channel adapters put them on a message (SES tags, SMS context). */
export const IDS: MessageIds = {
  userId: 'usr_1001',
  journeyId: 'cart-abandonment',
  stepId: 'remind',
  messageId: 'msg_42',
};

/** A sample payload of test/fixtures/feedback/ (its README says where each comes from). */
export async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(`test/fixtures/feedback/${name}`, 'utf8'));
}

/** An SES record with Cairn's tags added, as the email adapter sets them; `ids` names whose message it was. */
export async function tagged(name: string, ids: MessageIds = IDS): Promise<Record<string, unknown>> {
  const record = await fixture(name);
  const mail = record.mail;
  if (typeof mail !== 'object' || mail === null) throw new Error(`${name} has no mail object`);
  const tags = {
    [FEEDBACK_TAGS.userId]: [ids.userId],
    [FEEDBACK_TAGS.journeyId]: [ids.journeyId],
    [FEEDBACK_TAGS.stepId]: [ids.stepId],
    [FEEDBACK_TAGS.messageId]: [ids.messageId],
  };
  return { ...record, mail: { ...mail, tags: { ...('tags' in mail ? Object(mail.tags) : {}), ...tags } } };
}

/** The record as an SNS subscription delivers it to SQS or HTTP: JSON text in `Message`. */
export function snsNotification(record: unknown, timestamp = '2026-11-02T10:00:00.000Z') {
  return {
    Type: 'Notification',
    MessageId: 'a1b2c3d4-0000-4000-8000-000000000001',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:cairn-feedback',
    Message: JSON.stringify(record),
    Timestamp: timestamp,
  };
}

/** The event Lambda receives from an SNS subscription. */
export function lambdaSnsEvent(record: unknown, timestamp = '2026-11-02T10:00:00.000Z') {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:cairn-feedback:sub',
        Sns: { ...snsNotification(record, timestamp), Type: 'Notification' },
      },
    ],
  };
}
