import type { Effect } from '../engine/effects.ts';
import { type EngineInput, inputKey } from '../engine/engine.ts';
import type { SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { PUSH_CUSTOMER_EVENTS } from '../feedback/push.ts';
import { SES_CUSTOMER_EVENTS } from '../feedback/ses.ts';
import { SMS_CUSTOMER_EVENTS } from '../feedback/sms.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import type { DeliveryOutcome } from '../policies/outcome.ts';
import type { Observation } from '../ports/observer.ts';
import { FEEDBACK_SOURCE } from '../runtime/feedback.ts';
import { UNSUBSCRIBE_SOURCE, UNSUBSCRIBED } from '../runtime/unsubscribe.ts';
import { type FeedbackStatus, OUTCOME_RECORD_VERSION, type OutcomeRecord } from './record.ts';

/**
 * The outcome log's records, derived from what the use cases tell the Observer (ports/observer.ts): the same
 * observations the simulator's Tally counts (simulate/tally.ts), so the log and the reports cannot disagree.
 * Pure: the same observation gives the same records, with the same ids, on every machine.
 */
export function outcomeRecords(observation: Observation): OutcomeRecord[] {
  if (observation.type === 'delivered')
    return [sendRecord(observation.intent, observation.outcome, observation.at)];
  // One attempt of a call: the enrollment's `call` record is made when it takes the answer (call-answered).
  if (observation.type === 'called') return [];
  // A run's record is a report of the run, not an outcome: its entries have their own (the enrollments).
  if (observation.type === 'audience-run') return [];
  const { input, effects, userId, at } = observation;
  // A re-delivered input changed nothing and decided nothing: it has no records (its first delivery had them).
  if (effects.some((e) => e.type === 'ignored' && e.reason === 'duplicate-input')) return [];
  const key = inputKey(input);
  const records = effects.flatMap((effect, index) => effectRecord(effect, `${key}#${index}`) ?? []);
  const feedback = feedbackRecord(input, userId, at, key);
  return feedback ? [feedback, ...records] : records;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every column null but the ones given. */
type RecordFields = Pick<OutcomeRecord, 'id' | 'kind' | 'user_id'> &
  Partial<Omit<OutcomeRecord, 'occurred_at' | 'v'>> & { at: number };

function record(fields: RecordFields): OutcomeRecord {
  const { at, ...rest } = fields;
  return {
    v: OUTCOME_RECORD_VERSION,
    journey_id: null,
    journey_version: null,
    enrollment_id: null,
    step_id: null,
    variant_group: null,
    message_id: null,
    channel: null,
    provider_message_id: null,
    status: null,
    reason: null,
    detail: null,
    revenue: null,
    currency: null,
    ...rest,
    occurred_at: iso(at),
  } satisfies OutcomeRecord;
}

type OfEnrollmentEffect = Extract<Effect, { enrollmentId: string }>;
const ofEnrollment = (effect: OfEnrollmentEffect) => ({
  user_id: effect.userId,
  journey_id: effect.journeyId,
  journey_version: effect.version,
  enrollment_id: effect.enrollmentId,
});

/**
 * The record of one effect, or none for the engine's bookkeeping (timers, emitted events, profile writes,
 * segment membership, calls handed to the calls queue, ignored inputs). Exhaustive: a new effect type does not
 * compile until it is placed here.
 */
function effectRecord(effect: Effect, id: string): OutcomeRecord | undefined {
  const { at } = effect;
  switch (effect.type) {
    case 'enrolled':
      return record({ id, kind: 'enrolled', at, ...ofEnrollment(effect), detail: effect.key || null });
    case 'not-enrolled':
      return record({
        id,
        kind: 'not_enrolled',
        at,
        user_id: effect.userId,
        journey_id: effect.journeyId,
        reason: effect.reason,
      });
    case 'moved':
      return record({
        id,
        kind: 'step',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        detail: effect.from ?? null,
      });
    case 'split-assigned':
      return record({
        id,
        kind: 'grouped',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        variant_group: effect.variant,
      });
    case 'held-out':
      return record({
        id,
        kind: 'grouped',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        variant_group: 'holdout',
      });
    case 'send-withheld':
      return record({
        id,
        kind: 'send_withheld',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        variant_group: effect.reason === 'holdout' ? 'holdout' : null,
        reason: effect.reason,
        detail: effect.template,
      });
    case 'goal-reached':
      return record({
        id,
        kind: 'goal_reached',
        at,
        ...ofEnrollment(effect),
        variant_group: effect.holdout ? 'holdout' : (effect.variant ?? null),
        detail: effect.eventId,
        revenue: effect.revenue ?? null,
        currency: effect.revenue === undefined ? null : (effect.currency ?? null),
      });
    case 'exited':
      return record({
        id,
        kind: 'exited',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        reason: effect.reason,
      });
    case 'stage-changed':
      return record({
        id,
        kind: 'stage_changed',
        at,
        user_id: effect.userId,
        status: effect.to,
        reason: effect.reason,
        detail: effect.from,
      });
    case 'call-answered':
      return record({
        id,
        kind: 'call',
        at,
        ...ofEnrollment(effect),
        step_id: effect.stepId,
        message_id: effect.callId,
        status: effect.ok ? 'answered' : 'failed',
        reason: effect.reason ?? null,
        detail: effect.saved.length > 0 ? effect.saved.join(',') : null,
      });
    case 'send':
    case 'call':
    case 'timer-scheduled':
    case 'timer-cancelled':
    case 'timer-deferred':
    case 'event-emitted':
    case 'profile-updated':
    case 'segment-changed':
    case 'ignored':
      return undefined;
    default: {
      const unknown: never = effect;
      throw new Error(`unknown effect ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * What deliver decided for a send and what the channel answered, in one record: deliver decides and hands the
 * message over in one step, so SENT, FAILED and UNKNOWN are the channel's results and the others the policies'.
 * A held send has a record per hold; its last record is its final outcome.
 */
function sendRecord(intent: SendIntent, outcome: DeliveryOutcome, at: number): OutcomeRecord {
  return record({
    id: `send:${intent.messageId}@${iso(at)}`,
    kind: 'send',
    at,
    user_id: intent.userId,
    journey_id: intent.journeyId,
    journey_version: intent.journeyVersion,
    enrollment_id: intent.enrollmentId,
    step_id: intent.stepId,
    variant_group: intent.variant ?? null,
    message_id: intent.messageId,
    channel: 'channel' in outcome ? (outcome.channel ?? null) : null,
    provider_message_id: 'providerMessageId' in outcome ? (outcome.providerMessageId ?? null) : null,
    status: outcome.status,
    reason: outcome.reason,
    detail: 'rule' in outcome ? (outcome.rule ?? null) : null,
  });
}

/** The customer events that provider feedback and the unsubscribe page publish, and what each says. */
const FEEDBACK_EVENTS: ReadonlyMap<string, { status: FeedbackStatus; channel: Channel | undefined }> =
  new Map([
    [SES_CUSTOMER_EVENTS.Delivery, { status: 'delivered', channel: 'email' }],
    [SES_CUSTOMER_EVENTS.Open, { status: 'opened', channel: 'email' }],
    [SES_CUSTOMER_EVENTS.Click, { status: 'clicked', channel: 'email' }],
    [SES_CUSTOMER_EVENTS.Bounce, { status: 'bounced', channel: 'email' }],
    [SES_CUSTOMER_EVENTS.Complaint, { status: 'complained', channel: 'email' }],
    [SMS_CUSTOMER_EVENTS.delivered, { status: 'delivered', channel: 'sms' }],
    [SMS_CUSTOMER_EVENTS.failed, { status: 'failed', channel: 'sms' }],
    [PUSH_CUSTOMER_EVENTS.delivered, { status: 'delivered', channel: 'push' }],
    [PUSH_CUSTOMER_EVENTS.failed, { status: 'failed', channel: 'push' }],
    // The channel is in the event's properties.
    [UNSUBSCRIBED, { status: 'unsubscribed', channel: undefined }],
  ]);

/** Provider feedback (and an unsubscribe) as it was applied to the customer; undefined for any other input. */
function feedbackRecord(
  input: EngineInput,
  userId: string,
  at: number,
  key: string,
): OutcomeRecord | undefined {
  if (input.kind !== 'event') return undefined;
  const { event } = input;
  if (event.source !== FEEDBACK_SOURCE && event.source !== UNSUBSCRIBE_SOURCE) return undefined;
  const said = FEEDBACK_EVENTS.get(event['detail-type']);
  if (!said) return undefined;
  const property = (name: string) => textProperty(event, name);
  return record({
    id: `${key}#feedback`,
    kind: 'feedback',
    at,
    user_id: userId,
    journey_id: property('journeyId'),
    step_id: property('stepId'),
    message_id: property('messageId'),
    // The message id is `<enrollment id>:<step id>:<visit>` (engine/engagement.ts, messageIdOf).
    channel: said.channel ?? property('channel'),
    status: said.status,
    reason: property('reason') ?? property('deliveryStatus') ?? property('method'),
  });
}

function textProperty(event: CustomerEvent, name: string): string | null {
  const value = event.detail.properties?.[name];
  return typeof value === 'string' && value !== '' ? value : null;
}
