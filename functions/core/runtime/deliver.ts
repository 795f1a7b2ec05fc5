import { type CustomerState, newCustomerState, type SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { addressesOf } from '../policies/channels.ts';
import type { Policies } from '../policies/config.ts';
import { decideInState, type StateDecision } from '../policies/customer-delivery.ts';
import type { DecidedSend } from '../policies/decided.ts';
import { decideOnClaimed } from '../policies/ledger.ts';
import type { DeliveryOutcome, SendOutcome } from '../policies/outcome.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { ChannelPort, ChannelResult } from '../ports/channel.ts';
import type { PolicyStore } from '../ports/policy-store.ts';
import { type Enqueued, MAX_DELAY_SECONDS, type QueuedSend } from '../ports/send-queue.ts';
import type { SendRateCounters } from '../ports/send-rate.ts';
import { claimAndSend } from './claim-and-send.ts';
import { composeMessage, type MessageComposer } from './compose.ts';
import { deviceChangeEvents } from './device-changes.ts';
import { type ApplyPorts, applyInput, type InputResult } from './ingest.ts';
import { readModifyWrite } from './read-modify-write.ts';

export type DeliverPorts = {
  /**
   * Ports to decide an undecided send in the customer's state (counting it there) and, for a send that ends
   * its enrollment, to apply that.
   */
  apply: ApplyPorts;
  policies: Policies;
  /** The send ledger (claim, completion); caps and suppressions are kept in the customer's state. */
  policyStore: PolicyStore;
  /** The zone for local-time rules when the profile has none. */
  defaultTimezone: string;
  /** Renders the intent's template into the message the channel sends. */
  composer: MessageComposer;
  channel: ChannelPort;
  now: () => number;
  /** The journeys' send-rate counters; without them, no journey's limit is kept. */
  rates?: SendRateCounters;
  /** The send-rate limit of the intent's journey (messages a second), if it has one. */
  sendRateOf?: (intent: SendIntent) => number | undefined;
};

export type DeliveryResult = {
  messageId: string;
  userId: string;
  /**
   * Undefined when the send is not over and was only put back on the queue: it arrived before its `notBefore`,
   * or found its ledger claim recent and not completed (another worker may still be sending it).
   */
  outcome: DeliveryOutcome | undefined;
  /** The message was put back on the queue, to be tried again at `notBefore`. */
  requeued?: { notBefore: number; delaySeconds: number };
  /** The send ended its enrollment (a journey's `onCap: drop`); what applying that did. */
  enrollmentEnded?: InputResult;
  /** A transient provider failure outlasted the retries; the send is in the dead-letter destination. */
  deadLettered?: boolean;
};

/**
 * One send intent through the delivery policies and, when they pass, the channel:
 *
 * 1. A message that arrives before its `notBefore` goes back on the queue untouched (no reads): SQS delays
 *    a message by at most 15 minutes, so a longer hold (quiet hours, a cap window) hops through the queue.
 * 2. The policies' decision: the one ingest made and sent along (no reads), or, for a send that comes
 *    undecided (a held send coming back), one made now in the customer's state, counting the send there
 *    under the state's version (2 reads: the state and the addresses' suppressions; 1 write when counted).
 * 3. A send that passed is claimed in the send ledger before the channel is called, so a retry after a crash
 *    finds the claim and does not send again (at most once), and completed after it.
 * 4. DEFERRED goes back on the queue until the time the policies named; a send that ends its enrollment is
 *    applied to the customer like any input.
 */
export async function deliverSend(
  queued: QueuedSend,
  ports: DeliverPorts,
  origin: string,
): Promise<DeliveryResult> {
  const { intent } = queued;
  const base = { messageId: intent.messageId, userId: intent.userId };
  const now = ports.now();
  if (queued.notBefore !== undefined && queued.notBefore > now) {
    const requeued = await requeue(queued, queued.notBefore, now, ports);
    return { ...base, outcome: undefined, requeued };
  }

  const verdict = await decide(queued, ports, now);
  if (verdict.pass) {
    const paced = await pace(queued, verdict, ports, now);
    if (paced) return { ...base, outcome: undefined, requeued: paced };
  }
  let answer: Answer | undefined;
  const decided = verdict.pass
    ? await claimAndSend(
        ports.policyStore,
        intent,
        verdict.channel,
        verdict.extras,
        async (message, channel) => {
          const composed = composeMessage(message, channel, verdict.state, ports.composer);
          const sent: ChannelResult = composed.ok
            ? await ports.channel.send(composed.message)
            : { ok: false, permanent: true, reason: `${composed.reason}: ${composed.detail}` };
          answer = { channel, result: sent };
          if (sent.ok) return { status: 'SENT', providerMessageId: sent.providerMessageId };
          // Refused for now: the provider does not have it, so the claim goes and a redrive can send it.
          return sent.permanent
            ? { status: 'FAILED', error: sent.reason }
            : { status: 'NOT_SENT', error: sent.reason };
        },
        now,
      )
    : verdict.outcome;
  const outcome = withAnswer(decided, answer);
  const result: DeliveryResult = { ...base, outcome };
  const news = [
    ...deviceChangeEvents(intent.userId, intent.messageId, answer?.result.deviceChanges ?? [], now),
    ...(answer?.result.events ?? []),
  ];
  // Back to ingest, in one request: device tokens for the profile, delivery events for journeys.
  if (news.length > 0) await ports.apply.events.publish(news);
  if (outcome.status === 'FAILED' && !outcome.permanent) {
    // The provider stayed unavailable through the adapter's retries: kept, with its reason, to be redriven.
    await ports.apply.deadLetters.put({
      kind: 'undelivered-send',
      messageId: intent.messageId,
      userId: intent.userId,
      channel: outcome.channel,
      reason: outcome.reason,
      intent,
      origin,
    });
    result.deadLettered = true;
  }

  if (isRepeat(outcome)) {
    // Claimed before: completed (a re-delivery, nothing to do), in flight, or abandoned by a crash.
    const claim = await ports.policyStore.claimOf(intent.messageId);
    const decision = claim && decideOnClaimed(claim, { category: intent.category, retryUnknown: false, now });
    // Waiting changes nothing the policies saw, so their decision goes along (no read when it comes back).
    // No outcome yet: the send is not over, and its outcome is told (and counted) once, when it is.
    if (claim && decision?.action === 'wait') {
      result.requeued = await requeue(
        queued.decided?.kind === 'send' ? queued : { intent },
        decision.until,
        now,
        ports,
      );
      result.outcome = undefined;
    }
    if (claim && decision?.action === 'report')
      result.outcome = {
        status: 'UNKNOWN',
        reason: 'unknown_outcome',
        claimedAt: claim.claimedAt,
        attempt: claim.attempt,
      };
  }
  if (outcome.status === 'DEFERRED') {
    // Without the decision: when it is due, the policies decide again on the state of then.
    const until = outcome.until ?? now + MAX_DELAY_SECONDS * 1000;
    result.requeued = await requeue({ intent }, until, now, ports);
  }
  // A re-delivery of a send that completed is not an outcome: the message's was told when it completed, and
  // telling `DROPPED duplicate` now would make it the message's last (its final outcome, in the results and
  // the outcome log's `sends`), as a re-delivered input has no records (outcomes/derive.ts).
  if (result.outcome && !isRepeat(result.outcome))
    ports.apply.observer?.observe({ type: 'delivered', at: now, intent, outcome: result.outcome });
  if (outcome.status !== 'FAILED' && outcome.status !== 'UNKNOWN' && outcome.endsEnrollment) {
    result.enrollmentEnded = await applyInput(
      intent.userId,
      { kind: 'send-dropped', intent },
      ports.apply,
      origin,
    );
  }
  return result;
}

const isRepeat = (outcome: DeliveryOutcome) => outcome.status === 'DROPPED' && outcome.reason === 'duplicate';

type Answer = { channel: Channel; result: ChannelResult };

/**
 * A passed send of a journey with a send-rate limit reserves its second (policies/send-rate.ts); one whose
 * second is later goes back on the queue until then, with the decision and the second, so that it is neither
 * decided nor counted again. Undefined: send now.
 */
async function pace(
  queued: QueuedSend,
  verdict: Extract<Verdict, { pass: true }>,
  ports: DeliverPorts,
  now: number,
): Promise<{ notBefore: number; delaySeconds: number } | undefined> {
  const { intent } = queued;
  const perSecond = ports.sendRateOf?.(intent);
  if (perSecond === undefined || !ports.rates || queued.slot !== undefined) return undefined;
  const second = await ports.rates.reserve(
    intent.journeyId,
    Math.floor(now / 1000),
    perSecond,
    intent.userId,
  );
  if (second * 1000 <= now) return undefined;
  const decided: DecidedSend = {
    kind: 'send',
    channel: verdict.channel,
    profile: verdict.state.profile,
    ...verdict.extras,
  };
  return requeue({ intent, decided, slot: second }, second * 1000, now, ports);
}

/** A decision, with the state a passed send is composed from. */
type Verdict =
  | Extract<StateDecision, { pass: false }>
  | (Extract<StateDecision, { pass: true }> & { state: CustomerState });

async function decide(queued: QueuedSend, ports: DeliverPorts, now: number): Promise<Verdict> {
  const { intent, decided } = queued;
  if (decided) return verdictOf(intent, decided);
  const options = { policies: ports.policies, defaultTimezone: ports.defaultTimezone };
  // Not on the hot path (a held send coming back), so the addresses' own items are read too: they catch a
  // suppression that has not reached this state (docs/data-model.md). Read once: an attempt that lost a race
  // reuses them while the addresses are the same, which keeps its read-to-write window short.
  let checked: { addresses: string; found: [string, SuppressionReason][] } | undefined;
  const made = await readModifyWrite(
    intent.userId,
    async (before) => {
      const addresses = addressesOf(before.profile);
      if (checked?.addresses !== addresses.join('\n'))
        checked = { addresses: addresses.join('\n'), found: await ports.policyStore.suppressed(addresses) };
      // Undecided means held: it was deferred and comes back now, decided as of the end of its hold.
      const at = heldDecisionTime(queued, now);
      const { state, decision } = decideInState(intent, before, options, at, checked.found, true);
      return { state, value: decision };
    },
    { ...ports.apply.retry, store: ports.apply.states },
  );
  return made.value.pass ? { ...made.value, state: made.state } : made.value;
}

/**
 * How late a held send may come back and still be decided as of the end of its hold: the longest a retry of
 * the send queue's message takes (a failed attempt's visibility timeout, a conflict's retries), with room to
 * spare. Later than that (a backlog, an outage), the send is decided when it is handled.
 */
export const HELD_DECISION_GRACE_MS = 15 * 60_000;

/**
 * The time a held send coming back is decided at: the end of its hold (`notBefore`), when it is handled within
 * HELD_DECISION_GRACE_MS of it. Its caps count it then and its quiet hours are those of then, so a delivery that
 * a crash, a visibility timeout or a write conflict delayed by seconds decides what an undelayed one would: a
 * send counted 47 s late is still in a 7-day cap window a week after its hold ended, and takes another
 * send's place (found by the chaos harness). Otherwise `now`.
 */
export function heldDecisionTime(queued: QueuedSend, now: number): number {
  const { notBefore } = queued;
  if (notBefore === undefined || notBefore > now || now - notBefore > HELD_DECISION_GRACE_MS) return now;
  return notBefore;
}

function verdictOf(intent: SendIntent, decided: DecidedSend): Verdict {
  switch (decided.kind) {
    case 'outcome':
      return { pass: false, outcome: decided.outcome };
    case 'send': {
      const { channel, passedOver, notes, profile } = decided;
      // Composing reads the profile, and the trigger from the intent.
      const state = { ...newCustomerState(intent.userId), profile };
      const extras = { ...(passedOver ? { passedOver } : {}), ...(notes ? { notes } : {}) };
      return { pass: true, channel, extras, state };
    }
    default: {
      const unknown: never = decided;
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
    }
  }
}

function withAnswer(outcome: SendOutcome, answer: Answer | undefined): DeliveryOutcome {
  if (outcome.status !== 'SENT' || !answer) return outcome;
  const { channel, result } = answer;
  if (result.ok) return { ...outcome, providerMessageId: result.providerMessageId };
  // claimAndSend reports SENT once the channel returns; the channel's refusal is the real outcome.
  return { status: 'FAILED', reason: result.reason, channel, permanent: result.permanent };
}

/**
 * The delay of the send queue's message that brings a send back at `notBefore`: all of it when SQS allows, else
 * a hop that lands on a quarter-hour counted back from `notBefore` (notBefore - k x 15 min). Held sends due at
 * the same time then hop in step, and come back in the order they were first held, whatever delayed one of
 * their hops by seconds (a retry, a redelivered copy): with hops of a flat 15 minutes, their order was the
 * phase of each one's last hop, and a fault could give another send a cap's last place (the chaos harness).
 */
export function holdDelaySeconds(notBefore: number, now: number): number {
  const remaining = Math.max(0, Math.ceil((notBefore - now) / 1000));
  if (remaining <= MAX_DELAY_SECONDS) return remaining;
  return remaining % MAX_DELAY_SECONDS || MAX_DELAY_SECONDS;
}

/**
 * Puts the send back on the send queue, invisible until `notBefore` or for a hop (`holdDelaySeconds`: a longer
 * hold hops through the queue), with the policies' decision when it has one.
 */
async function requeue(
  queued: QueuedSend,
  notBefore: number,
  now: number,
  ports: DeliverPorts,
): Promise<{ notBefore: number; delaySeconds: number }> {
  const delaySeconds = holdDelaySeconds(notBefore, now);
  const { intent, decided, slot } = queued;
  const message: Enqueued = {
    send: { intent, notBefore, ...(decided ? { decided } : {}), ...(slot !== undefined ? { slot } : {}) },
    delaySeconds,
  };
  await ports.apply.sends.enqueue([message]);
  return { notBefore, delaySeconds };
}
