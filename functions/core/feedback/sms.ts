import * as z from 'zod';
import {
  customerEvent,
  type FeedbackOutcome,
  type FeedbackResult,
  idsFrom,
  ignored,
  type MessageStatus,
} from './outcome.ts';

/** AWS End User Messaging SMS delivery events, from an event destination or EventBridge (`detail`). */
export const SmsEvent = z.lazy(() =>
  z.looseObject({
    eventType: z.string(),
    eventTimestamp: z.number(),
    messageId: z.string(),
    destinationPhoneNumber: z.string().optional(),
    messageStatus: z.string().optional(),
    messageStatusDescription: z.string().optional(),
    context: z.record(z.string(), z.string()).optional(),
  }),
);

/** A reply from a customer: the two-way SMS payload published to SNS. */
export const InboundSms = z.lazy(() =>
  z.looseObject({
    originationNumber: z.string(),
    destinationNumber: z.string(),
    messageBody: z.string(),
    inboundMessageId: z.string(),
  }),
);

/**
 * Replies that opt out: the CTIA keywords carriers and End User Messaging honour by default, and ARRET for
 * French Canada. A reply is an opt-out when it is one of these words alone, in any case and spacing.
 */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'ARRET',
];

export function isSmsEvent(input: unknown): boolean {
  return (
    typeof input === 'object' &&
    input !== null &&
    'eventType' in input &&
    typeof input.eventType === 'string' &&
    /^(TEXT|MEDIA|VOICE)_/.test(input.eventType)
  );
}

export function isInboundSms(input: unknown): boolean {
  return InboundSms.safeParse(input).success;
}

/** Carrier-reported outcomes; the intermediate ones (pending, queued) change nothing. */
const STATUS: Record<string, MessageStatus | 'ignore'> = {
  TEXT_DELIVERED: 'delivered',
  TEXT_SUCCESSFUL: 'sent',
  TEXT_PENDING: 'ignore',
  TEXT_QUEUED: 'ignore',
  TEXT_BLOCKED: 'failed',
  TEXT_CARRIER_BLOCKED: 'failed',
  TEXT_CARRIER_UNREACHABLE: 'failed',
  TEXT_INVALID: 'failed',
  TEXT_INVALID_MESSAGE: 'failed',
  TEXT_OPTED_OUT: 'failed',
  TEXT_PROTECT_BLOCKED: 'failed',
  TEXT_SPAM: 'failed',
  TEXT_TTL_EXPIRED: 'failed',
  TEXT_UNREACHABLE: 'failed',
  TEXT_UNKNOWN: 'failed',
};

/** The statuses that become customer events, and their names (docs/channels.md, "Provider feedback"). */
export const SMS_CUSTOMER_EVENTS = { delivered: 'SMS Delivered', failed: 'SMS Failed' } as const;

export function mapSmsEvent(input: unknown): FeedbackResult {
  const parsed = SmsEvent.safeParse(input);
  if (!parsed.success) return ignored('not an End User Messaging SMS event');
  const e = parsed.data;
  const status = STATUS[e.eventType];
  if (status === undefined) return ignored(`unknown SMS event type "${e.eventType}"`);
  if (status === 'ignore') return ignored(`intermediate SMS status ${e.eventType}`);
  const ids = idsFrom((name) => e.context?.[name]);
  const at = e.eventTimestamp;
  const detail = e.messageStatusDescription ?? e.messageStatus;
  const outcomes: FeedbackOutcome[] = [
    {
      kind: 'message-status',
      channel: 'sms',
      providerMessageId: e.messageId,
      ...(ids ? { ids } : {}),
      status,
      at,
      ...(detail === undefined ? {} : { detail }),
    },
  ];
  const phone = e.destinationPhoneNumber;
  // The carrier says the number is opted out (e.g. STOP sent to another of our numbers): record it.
  if (e.eventType === 'TEXT_OPTED_OUT' && phone)
    outcomes.push({ kind: 'opt-out', channel: 'sms', address: phone, source: 'sms-carrier-opt-out', at });
  // Not a phone number that can receive SMS: retrying would only cost money.
  if (e.eventType === 'TEXT_INVALID' && phone)
    outcomes.push({ kind: 'suppress', channel: 'sms', address: phone, reason: 'invalid-number', at });
  if (status === 'delivered')
    outcomes.push(...customerEvent(SMS_CUSTOMER_EVENTS.delivered, ids, e.messageId, at));
  if (status === 'failed')
    outcomes.push(
      ...customerEvent(SMS_CUSTOMER_EVENTS.failed, ids, e.messageId, at, { reason: e.eventType }),
    );
  return { outcomes };
}

/** A reply that is an opt-out keyword opts the sender out of SMS; any other reply is not Cairn's business. */
export function mapInboundSms(input: unknown, receivedAt: number): FeedbackResult {
  const parsed = InboundSms.safeParse(input);
  if (!parsed.success) return ignored('not an inbound SMS');
  const word = parsed.data.messageBody.trim().toUpperCase().replace(/\s+/g, '');
  if (!OPT_OUT_KEYWORDS.includes(word)) return ignored('inbound SMS is not an opt-out keyword');
  return {
    outcomes: [
      {
        kind: 'opt-out',
        channel: 'sms',
        address: parsed.data.originationNumber,
        source: 'sms-stop',
        at: receivedAt,
      },
    ],
  };
}
