import type { CustomerEvent } from '../events/index.ts';
import { PUSH_CUSTOMER_EVENTS } from '../feedback/push.ts';
import { SES_CUSTOMER_EVENTS } from '../feedback/ses.ts';
import { SMS_CUSTOMER_EVENTS } from '../feedback/sms.ts';
import type { Engaged, EngagementIs } from '../journeys/schema-parts.ts';
import type { Enrollment, StepEngagement } from './state.ts';

/**
 * Engagement: what the provider said about the messages an enrollment's send steps made, kept per send step in
 * the enrollment (`Enrollment.engagement`) and tested by `engagement` conditions and waits.
 *
 * It comes back as the customer events that provider feedback publishes (runtime/feedback.ts), which carry the
 * journey, step and message ids. The message id is `<enrollment id>:<step id>:<visit>` (steps/send.ts), so the
 * event names its enrollment, and its visit tells the latest message of a looped step from an earlier one:
 * only the latest counts, and a new send of the step starts its record afresh.
 */

/** The source of the customer events provider feedback publishes (runtime/feedback.ts, feedback/outcome.ts). */
const FEEDBACK_SOURCE = 'cairn.feedback';

/** Which feedback customer event says what, whatever the channel (docs/journeys.md, "Engagement"). */
const ENGAGEMENT_EVENTS: ReadonlyMap<string, Engaged> = new Map<string, Engaged>([
  [SES_CUSTOMER_EVENTS.Delivery, 'delivered'],
  [SES_CUSTOMER_EVENTS.Open, 'opened'],
  [SES_CUSTOMER_EVENTS.Click, 'clicked'],
  [SES_CUSTOMER_EVENTS.Bounce, 'bounced'],
  [SMS_CUSTOMER_EVENTS.delivered, 'delivered'],
  [SMS_CUSTOMER_EVENTS.failed, 'bounced'],
  [PUSH_CUSTOMER_EVENTS.delivered, 'delivered'],
  [PUSH_CUSTOMER_EVENTS.failed, 'bounced'],
]);

const FLAG = { delivered: 'd', opened: 'o', clicked: 'c', bounced: 'b' } as const satisfies Record<
  Engaged,
  keyof StepEngagement
>;

/** What a feedback event says about which message, or undefined when it is no engagement event. */
export type EngagementSeen = { journeyId: string; stepId: string; messageId: string; engaged: Engaged };

export function engagementSeen(event: CustomerEvent): EngagementSeen | undefined {
  if (event.source !== FEEDBACK_SOURCE) return undefined;
  const engaged = ENGAGEMENT_EVENTS.get(event['detail-type']);
  const { journeyId, stepId, messageId } = event.detail.properties;
  if (engaged === undefined || typeof journeyId !== 'string' || typeof stepId !== 'string') return undefined;
  if (typeof messageId !== 'string') return undefined;
  return { journeyId, stepId, messageId, engaged };
}

/** The id of the message a send step makes on this visit; steps/send.ts names its intents with it. */
export function messageIdOf(enrollment: Enrollment, stepId: string, visit: number): string {
  return `${enrollment.id}:${stepId}:${visit}`;
}

/** A send step made a message: from now on its engagement is this message's (a new record, no flags). */
export function recordSend(enrollment: Enrollment, stepId: string): void {
  enrollment.engagement = { ...enrollment.engagement, [stepId]: { v: enrollment.visits } };
}

/**
 * What the enrollment's engagement becomes when the event is about the latest message of one of its send
 * steps and says something new about it; undefined when it says nothing new. A new record: the engine copies
 * an enrollment before it changes it (engine/draft.ts), and only then.
 */
export function engagementAfter(
  enrollment: Enrollment,
  seen: EngagementSeen,
): NonNullable<Enrollment['engagement']> | undefined {
  if (seen.journeyId !== enrollment.journeyId) return undefined;
  const current = enrollment.engagement?.[seen.stepId];
  if (!current || messageIdOf(enrollment, seen.stepId, current.v) !== seen.messageId) return undefined;
  const flag = FLAG[seen.engaged];
  if (current[flag]) return undefined;
  return { ...enrollment.engagement, [seen.stepId]: { ...current, [flag]: true } };
}

/**
 * Whether the enrollment's latest message of the step had this engagement. A click counts as an open: a
 * customer who clicked opened the message, even when the open went unseen (images blocked). A step that sent
 * nothing yet had none, so `not-opened` and `not-clicked` hold for it.
 */
export function engagementHolds(enrollment: Enrollment, stepId: string, is: EngagementIs): boolean {
  const record = enrollment.engagement?.[stepId];
  switch (is) {
    case 'delivered':
      return record?.d === true;
    case 'opened':
      return record?.o === true || record?.c === true;
    case 'clicked':
      return record?.c === true;
    case 'bounced':
      return record?.b === true;
    case 'not-opened':
      return !engagementHolds(enrollment, stepId, 'opened');
    case 'not-clicked':
      return !engagementHolds(enrollment, stepId, 'clicked');
    default: {
      const unknown: never = is;
      throw new Error(`unknown engagement ${JSON.stringify(unknown)}`);
    }
  }
}
