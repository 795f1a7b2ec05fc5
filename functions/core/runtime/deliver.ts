import { newCustomerState } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import type { Policies } from '../policies/config.ts';
import { decideOnClaimed } from '../policies/ledger.ts';
import { policyPipeline } from '../policies/pipeline.ts';
import type { PolicyStore } from '../policies/store.ts';
import type { ChannelPort, ChannelResult, DeviceChange } from '../ports/channel.ts';
import { type Enqueued, MAX_DELAY_SECONDS, type QueuedSend } from '../ports/send-queue.ts';
import type { SendOutcome } from '../simulate/pipeline.ts';
import { composeMessage, type MessageComposer } from './compose.ts';
import { deviceChangeEvents } from './device-changes.ts';
import { type ApplyPorts, applyInput, type InputResult } from './ingest.ts';

export type DeliverPorts = {
  /** Ports to read the customer's state and, for a send that ends its enrollment, to apply that. */
  apply: ApplyPorts;
  policies: Policies;
  policyStore: PolicyStore;
  /** The zone for local-time rules when the profile has none. */
  defaultTimezone: string;
  /** Renders the intent's template into the message the channel sends. */
  composer: MessageComposer;
  channel: ChannelPort;
  now: () => number;
};

/** The provider refused a message that the policies passed (and the ledger claimed, so it is not resent). */
export type ChannelFailure = { status: 'FAILED'; reason: string; channel: Channel; permanent: boolean };

/**
 * The message was claimed long ago and never completed: a worker crashed between the claim and the
 * completion, so the provider may or may not have it. Reported, never resent (ledger.ts, decideOnClaimed).
 */
export type UnknownOutcome = {
  status: 'UNKNOWN';
  reason: 'unknown_outcome';
  claimedAt: number;
  attempt: number;
};

export type DeliveryOutcome =
  | (SendOutcome & { providerMessageId?: string })
  | ChannelFailure
  | UnknownOutcome;

export type DeliveryResult = {
  messageId: string;
  userId: string;
  /** Undefined when the message arrived before its `notBefore` and was only put back on the queue. */
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
 * 2. The customer's state is read (never written here): the profile holds addresses, consent and timezone.
 * 3. The policy pipeline decides, claiming the message in the send ledger before the channel is called, so a
 *    retry after a crash finds the claim and does not send again (at most once).
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

  const stored = await ports.apply.states.load(intent.userId);
  const state = stored?.state ?? newCustomerState(intent.userId);
  let answer: Answer | undefined;
  const pipeline = policyPipeline({
    policies: ports.policies,
    store: ports.policyStore,
    defaultTimezone: ports.defaultTimezone,
    deliver: async (message, channel) => {
      const composed = composeMessage(message, channel, state, ports.composer);
      const sent: ChannelResult = composed.ok
        ? await ports.channel.send(composed.message)
        : { ok: false, permanent: true, reason: `${composed.reason}: ${composed.detail}` };
      answer = { channel, result: sent };
      return sent.ok
        ? { status: 'SENT', providerMessageId: sent.providerMessageId }
        : { status: 'FAILED', error: sent.reason };
    },
  });
  const decided = await pipeline(intent, state, now);
  const outcome = withAnswer(decided, answer);
  const result: DeliveryResult = { ...base, outcome };
  const changes = answer?.result.deviceChanges ?? [];
  if (changes.length > 0) await writeBackDevices(intent.userId, intent.messageId, changes, now, ports);
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

  if (outcome.status === 'DROPPED' && outcome.reason === 'duplicate') {
    // Claimed before: completed (a re-delivery, nothing to do), in flight, or abandoned by a crash.
    const claim = await ports.policyStore.claimOf(intent.messageId);
    const decision = claim && decideOnClaimed(claim, { category: intent.category, retryUnknown: false, now });
    if (claim && decision?.action === 'wait')
      result.requeued = await requeue({ intent }, decision.until, now, ports);
    if (claim && decision?.action === 'report')
      result.outcome = {
        status: 'UNKNOWN',
        reason: 'unknown_outcome',
        claimedAt: claim.claimedAt,
        attempt: claim.attempt,
      };
  }
  if (outcome.status === 'DEFERRED') {
    const until = outcome.until ?? now + MAX_DELAY_SECONDS * 1000;
    result.requeued = await requeue({ intent }, until, now, ports);
  }
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

type Answer = { channel: Channel; result: ChannelResult };

function withAnswer(outcome: SendOutcome, answer: Answer | undefined): DeliveryOutcome {
  if (outcome.status !== 'SENT' || !answer) return outcome;
  const { channel, result } = answer;
  if (result.ok) return { ...outcome, providerMessageId: result.providerMessageId };
  // The pipeline reports SENT once the channel returns; the channel's refusal is the real outcome.
  return { status: 'FAILED', reason: result.reason, channel, permanent: result.permanent };
}

/**
 * Push tokens the provider renamed or refused go back to the profile as customer events, through ingest like
 * any other change: deliver never writes the customer's state itself (docs/runtime.md).
 */
async function writeBackDevices(
  userId: string,
  messageId: string,
  changes: readonly DeviceChange[],
  now: number,
  ports: DeliverPorts,
): Promise<void> {
  await ports.apply.events.publish(deviceChangeEvents(userId, messageId, changes, now));
}

async function requeue(
  queued: QueuedSend,
  notBefore: number,
  now: number,
  ports: DeliverPorts,
): Promise<{ notBefore: number; delaySeconds: number }> {
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((notBefore - now) / 1000)));
  const message: Enqueued = { send: { intent: queued.intent, notBefore }, delaySeconds };
  await ports.apply.sends.enqueue([message]);
  return { notBefore, delaySeconds };
}
