import { FEEDBACK_TAGS, type MessageIds } from '../feedback/outcome.ts';
import { encodeTagValue } from '../feedback/tag-values.ts';
import type { Engaged } from '../journeys/schema-parts.ts';
import type { OutboundMessage } from '../ports/channel.ts';

/** A message a channel was handed, and the provider's id for it: what a provider's feedback is about. */
export type HandedMessage = { message: OutboundMessage; providerMessageId: string };

/** The SES event-publishing type of each engagement (feedback/ses.ts reads it back). */
const SES_EVENT_TYPES = {
  delivered: 'Delivery',
  opened: 'Open',
  clicked: 'Click',
  bounced: 'Bounce',
} as const;

/** The End User Messaging SMS event of each engagement an SMS can have (feedback/sms.ts reads it back). */
const SMS_EVENT_TYPES: Partial<Record<Engaged, string>> = {
  delivered: 'TEXT_DELIVERED',
  bounced: 'TEXT_UNREACHABLE',
};

/** Where a clicked link of a test's email goes; nothing is served. */
const CLICKED_LINK = 'https://example.invalid/clicked';

/**
 * The record a provider would send about a message's engagement, as the feedback function receives it: an SES
 * event (with the EmailTags the email adapter sets) for email, an End User Messaging SMS event (with the
 * context the SMS adapter sets) for SMS. Journey tests and the local stack's tests feed it to the feedback use
 * case, so that engagement takes the path it takes on AWS. A problem instead when the channel cannot have it:
 * SMS has no opens or clicks, and push results come with the send (push adapter), not as a record.
 */
export function engagementRecord(
  handed: HandedMessage,
  engaged: Engaged,
  at: number,
): { record: unknown } | { problem: string } {
  const { message, providerMessageId } = handed;
  const { userId, journeyId, stepId, messageId } = message.intent;
  const ids: MessageIds = { userId, journeyId, stepId, messageId };
  const time = new Date(at).toISOString();
  switch (message.channel) {
    case 'email':
      return { record: sesRecord(message.to, providerMessageId, ids, engaged, time) };
    case 'sms': {
      const eventType = SMS_EVENT_TYPES[engaged];
      if (eventType === undefined)
        return { problem: `an SMS cannot be ${engaged}: SMS has no opens or clicks` };
      const context = {
        [FEEDBACK_TAGS.userId]: userId,
        [FEEDBACK_TAGS.journeyId]: journeyId,
        [FEEDBACK_TAGS.stepId]: stepId,
        [FEEDBACK_TAGS.messageId]: messageId,
      };
      return {
        record: {
          eventType,
          eventTimestamp: at,
          messageId: providerMessageId,
          destinationPhoneNumber: message.to,
          context,
        },
      };
    }
    case 'push':
      return {
        problem: `a push message's engagement cannot be fed in: push results come with the send, not as a record`,
      };
    default: {
      const unknown: never = message;
      throw new Error(`unknown channel of ${JSON.stringify(unknown)}`);
    }
  }
}

function sesRecord(to: string, providerMessageId: string, ids: MessageIds, engaged: Engaged, time: string) {
  const tags = {
    [FEEDBACK_TAGS.userId]: [encodeTagValue(ids.userId)],
    [FEEDBACK_TAGS.journeyId]: [encodeTagValue(ids.journeyId)],
    [FEEDBACK_TAGS.stepId]: [encodeTagValue(ids.stepId)],
    [FEEDBACK_TAGS.messageId]: [encodeTagValue(ids.messageId)],
  };
  const mail = { messageId: providerMessageId, timestamp: time, destination: [to], tags };
  const eventType = SES_EVENT_TYPES[engaged];
  switch (engaged) {
    case 'delivered':
      return { eventType, mail, delivery: { timestamp: time, recipients: [to] } };
    case 'opened':
      return { eventType, mail, open: { timestamp: time } };
    case 'clicked':
      return { eventType, mail, click: { timestamp: time, link: CLICKED_LINK } };
    case 'bounced':
      return {
        eventType,
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: to }],
          timestamp: time,
        },
      };
    default: {
      const unknown: never = engaged;
      throw new Error(`unknown engagement ${JSON.stringify(unknown)}`);
    }
  }
}
