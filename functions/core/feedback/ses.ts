import * as z from 'zod';
import {
  customerEvent,
  type FeedbackOutcome,
  type FeedbackResult,
  idsFrom,
  ignored,
  type MessageIds,
  type MessageStatus,
} from './outcome.ts';
import { decodeTagValue } from './tag-values.ts';

/*
 * SES records, in both formats: event publishing through a configuration set (`eventType`, with tags) and
 * identity notifications (`notificationType`, without tags). Only what the mapping reads is declared; every
 * other field is tolerated, since AWS adds fields over time. Built on first use: the engine functions load this
 * module (engagement reads its event names) but parse no SES record.
 */
export const SesRecord = z.lazy(() => {
  const Mail = z.looseObject({
    messageId: z.string(),
    timestamp: z.string().optional(),
    destination: z.array(z.string()).default([]),
    tags: z.record(z.string(), z.array(z.string())).optional(),
  });

  const Bounce = z.looseObject({
    bounceType: z.string(),
    bounceSubType: z.string().optional(),
    bouncedRecipients: z.array(
      z.looseObject({ emailAddress: z.string(), diagnosticCode: z.string().optional() }),
    ),
    timestamp: z.string(),
  });
  const Complaint = z.looseObject({
    complainedRecipients: z.array(z.looseObject({ emailAddress: z.string() })),
    timestamp: z.string(),
    complaintFeedbackType: z.string().optional(),
  });
  const Delivery = z.looseObject({ timestamp: z.string(), recipients: z.array(z.string()).default([]) });
  const Reject = z.looseObject({ reason: z.string().optional() });
  const Open = z.looseObject({ timestamp: z.string() });
  const Click = z.looseObject({ timestamp: z.string(), link: z.string() });
  const Failure = z.looseObject({ errorMessage: z.string().optional(), templateName: z.string().optional() });
  const DeliveryDelay = z.looseObject({ timestamp: z.string(), delayType: z.string().optional() });
  const Subscription = z.looseObject({
    contactList: z.string().optional(),
    timestamp: z.string(),
    newTopicPreferences: z
      .looseObject({
        unsubscribeAll: z.boolean().optional(),
        topicSubscriptionStatus: z
          .array(z.looseObject({ topicName: z.string(), subscriptionStatus: z.string() }))
          .default([]),
      })
      .optional(),
  });

  return z.looseObject({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    mail: Mail,
    bounce: Bounce.optional(),
    complaint: Complaint.optional(),
    delivery: Delivery.optional(),
    reject: Reject.optional(),
    open: Open.optional(),
    click: Click.optional(),
    failure: Failure.optional(),
    deliveryDelay: DeliveryDelay.optional(),
    subscription: Subscription.optional(),
  });
});
export type SesRecord = z.infer<typeof SesRecord>;

export function isSesRecord(input: unknown): boolean {
  return (
    typeof input === 'object' &&
    input !== null &&
    ('eventType' in input || 'notificationType' in input) &&
    'mail' in input
  );
}

/** The SES event types that become customer events, and their names (docs/channels.md, "Provider feedback"). */
export const SES_CUSTOMER_EVENTS = {
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Marked as Spam',
  Open: 'Email Opened',
  Click: 'Email Link Clicked',
} as const;

function time(text: string | undefined, fallback: number): number {
  const at = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isFinite(at) ? at : fallback;
}

export function mapSesRecord(input: unknown): FeedbackResult {
  const parsed = SesRecord.safeParse(input);
  if (!parsed.success) return ignored(`not an SES record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const record = parsed.data;
  const type = record.eventType ?? record.notificationType;
  const { mail } = record;
  // The email adapter encodes ids into what SES allows in a tag value (tag-values.ts); read them back decoded.
  const ids: MessageIds | undefined = idsFrom((name) => {
    const value = mail.tags?.[name]?.[0];
    return value === undefined ? undefined : decodeTagValue(value);
  });
  const sent = time(mail.timestamp, 0);
  const status = (s: MessageStatus, at: number, detail?: string): FeedbackOutcome => ({
    kind: 'message-status',
    channel: 'email',
    providerMessageId: mail.messageId,
    ...(ids ? { ids } : {}),
    status: s,
    at,
    ...(detail === undefined ? {} : { detail }),
  });
  const event = (name: string, at: number, extra?: Record<string, string | number | boolean>) =>
    customerEvent(name, ids, mail.messageId, at, extra);
  const missing = (part: string) => ignored(`SES ${type} record without its "${part}" object`);

  switch (type) {
    case 'Send':
      return { outcomes: [status('sent', sent)] };
    case 'Delivery': {
      if (!record.delivery) return missing('delivery');
      const at = time(record.delivery.timestamp, sent);
      return { outcomes: [status('delivered', at), ...event(SES_CUSTOMER_EVENTS.Delivery, at)] };
    }
    case 'Bounce': {
      const { bounce } = record;
      if (!bounce) return missing('bounce');
      const at = time(bounce.timestamp, sent);
      // Only a permanent bounce says the address will never work; transient and undetermined ones may pass.
      const hard = bounce.bounceType === 'Permanent';
      const detail = `${bounce.bounceType}/${bounce.bounceSubType ?? 'unknown'}`;
      return {
        outcomes: [
          status('bounced', at, detail),
          ...(hard
            ? bounce.bouncedRecipients.map(
                (r): FeedbackOutcome => ({
                  kind: 'suppress',
                  channel: 'email',
                  address: r.emailAddress,
                  reason: `hard-bounce: ${detail}`,
                  at,
                }),
              )
            : []),
          ...event(SES_CUSTOMER_EVENTS.Bounce, at, { bounceType: bounce.bounceType, hard }),
        ],
      };
    }
    case 'Complaint': {
      const { complaint } = record;
      if (!complaint) return missing('complaint');
      const at = time(complaint.timestamp, sent);
      const feedback = complaint.complaintFeedbackType ?? 'unspecified';
      return {
        outcomes: [
          status('complained', at, feedback),
          ...complaint.complainedRecipients.map(
            (r): FeedbackOutcome => ({
              kind: 'suppress',
              channel: 'email',
              address: r.emailAddress,
              reason: `complaint: ${feedback}`,
              at,
            }),
          ),
          ...event(SES_CUSTOMER_EVENTS.Complaint, at),
        ],
      };
    }
    case 'Reject':
      return { outcomes: [status('rejected', sent, record.reject?.reason)] };
    case 'Open': {
      if (!record.open) return missing('open');
      const at = time(record.open.timestamp, sent);
      return { outcomes: [status('opened', at), ...event(SES_CUSTOMER_EVENTS.Open, at)] };
    }
    case 'Click': {
      if (!record.click) return missing('click');
      const at = time(record.click.timestamp, sent);
      return {
        outcomes: [
          status('clicked', at),
          ...event(SES_CUSTOMER_EVENTS.Click, at, { url: record.click.link }),
        ],
      };
    }
    case 'Rendering Failure':
      return { outcomes: [status('render-failed', sent, record.failure?.errorMessage)] };
    case 'DeliveryDelay': {
      if (!record.deliveryDelay) return missing('deliveryDelay');
      return {
        outcomes: [
          status('delayed', time(record.deliveryDelay.timestamp, sent), record.deliveryDelay.delayType),
        ],
      };
    }
    case 'Subscription':
      return mapSubscription(record, sent, ids);
    default:
      return ignored(`unknown SES event type "${type ?? '(none)'}"`);
  }
}

/** A change made on SES's own subscription page: an opt-out per topic, or of everything. */
function mapSubscription(record: SesRecord, sent: number, ids: MessageIds | undefined): FeedbackResult {
  const { subscription } = record;
  if (!subscription) return ignored('SES Subscription record without its "subscription" object');
  const at = time(subscription.timestamp, sent);
  const prefs = subscription.newTopicPreferences;
  const outcomes: FeedbackOutcome[] = [];
  for (const address of record.mail.destination) {
    if (prefs?.unsubscribeAll) {
      outcomes.push({
        kind: 'opt-out',
        channel: 'email',
        address,
        source: 'email-subscription',
        at,
        ...(ids ? { ids } : {}),
      });
      continue;
    }
    for (const topic of prefs?.topicSubscriptionStatus ?? []) {
      if (topic.subscriptionStatus === 'OptOut' || topic.subscriptionStatus === 'OPT_OUT')
        outcomes.push({
          kind: 'opt-out',
          channel: 'email',
          address,
          topic: topic.topicName,
          source: 'email-subscription',
          at,
          ...(ids ? { ids } : {}),
        });
    }
  }
  return outcomes.length > 0 ? { outcomes } : ignored('SES Subscription record without an opt-out');
}
