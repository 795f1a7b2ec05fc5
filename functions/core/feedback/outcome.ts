import type { Channel } from '../journeys/schema-parts.ts';

/**
 * Names of the SES EmailTags (and keys of the SMS `Context`) the channel adapters set on every message, so
 * feedback finds its way back to the customer, journey, step and message. SES allows letters, digits, `_`
 * and `-` in tag names and values.
 */
export const FEEDBACK_TAGS = {
  userId: 'cairn-user',
  journeyId: 'cairn-journey',
  stepId: 'cairn-step',
  messageId: 'cairn-message',
} as const;

/** Cairn's ids of a message, when the provider echoed them back. */
export type MessageIds = { userId: string; journeyId: string; stepId: string; messageId: string };

export type MessageStatus =
  | 'sent'
  | 'delivered'
  | 'delayed'
  | 'bounced'
  | 'complained'
  | 'rejected'
  | 'failed'
  | 'render-failed'
  | 'opened'
  | 'clicked';

/** Source of a consent change, as recorded on the profile (`ConsentRecord.source`). */
export type OptOutSource = 'sms-stop' | 'sms-carrier-opt-out' | 'email-subscription' | 'push-opt-out';

/** A customer event journeys can wait or branch on; shaped like the events apps send (docs/events.md). */
export type FeedbackEvent = {
  id: string;
  source: 'cairn.feedback';
  'detail-type': string;
  time: string;
  detail: { userId: string; properties: Record<string, string | number | boolean> };
};

export type FeedbackOutcome =
  | {
      kind: 'message-status';
      channel: Channel;
      /** The provider's id of the message (SES message id, SMS message id, push message id). */
      providerMessageId: string;
      ids?: MessageIds;
      status: MessageStatus;
      at: number;
      detail?: string;
    }
  | { kind: 'suppress'; channel: Channel; address: string; reason: string; at: number }
  | {
      kind: 'opt-out';
      channel: Channel;
      address: string;
      topic?: string;
      source: OptOutSource;
      at: number;
      /** Cairn's ids when the record carried them (SES tags), so the opt-out can reach the customer's profile. */
      ids?: MessageIds;
    }
  | { kind: 'customer-event'; event: FeedbackEvent }
  | { kind: 'token-updated'; token: string; updatedToken: string }
  | { kind: 'token-deactivated'; token: string; reason: string }
  | { kind: 'ignored'; reason: string };

/** What one provider record produced: outcomes, or the reason it was ignored (counted and logged upstream). */
export type FeedbackResult = { outcomes: FeedbackOutcome[] };

export function ignored(reason: string): FeedbackResult {
  return { outcomes: [{ kind: 'ignored', reason }] };
}

/** Reads Cairn's ids from SES tags (`{ name: [value] }`) or an SMS context (`{ name: value }`). */
export function idsFrom(read: (name: string) => string | undefined): MessageIds | undefined {
  const userId = read(FEEDBACK_TAGS.userId);
  const journeyId = read(FEEDBACK_TAGS.journeyId);
  const stepId = read(FEEDBACK_TAGS.stepId);
  const messageId = read(FEEDBACK_TAGS.messageId);
  if (!userId || !journeyId || !stepId || !messageId) return undefined;
  return { userId, journeyId, stepId, messageId };
}

/** A customer event for a message Cairn sent; none when the record does not carry Cairn's ids. */
export function customerEvent(
  name: string,
  ids: MessageIds | undefined,
  providerMessageId: string,
  at: number,
  extra: Record<string, string | number | boolean> = {},
): FeedbackOutcome[] {
  if (!ids) return [];
  return [
    {
      kind: 'customer-event',
      event: {
        // Deterministic, so a re-delivered provider record gives the same event and is dropped as a duplicate.
        id: `${providerMessageId}:${name}`,
        source: 'cairn.feedback',
        'detail-type': name,
        time: new Date(at).toISOString(),
        detail: {
          userId: ids.userId,
          properties: { journeyId: ids.journeyId, stepId: ids.stepId, messageId: ids.messageId, ...extra },
        },
      },
    },
  ];
}
