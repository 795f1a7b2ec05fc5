import { type CallAnswer, type CallIntent, type CallTarget, pickSaved } from '../calls/intent.ts';
import { renderCallTarget } from '../calls/render.ts';
import type { CallClaim, CallLedger } from '../ports/call-ledger.ts';
import type { CallPort } from '../ports/call-port.ts';
import { MAX_DELAY_SECONDS, type QueuedCall } from '../ports/call-queue.ts';
import type { CallSlots } from '../ports/call-slots.ts';
import { emptyProfile } from '../profile/profile.ts';
import { type ApplyPorts, applyInput, type InputResult } from './ingest.ts';

export type CallPorts = {
  /** Applies the answer to the customer; its `calls` queue takes retries and calls put back. */
  apply: ApplyPorts;
  /** The calls ledger, keyed by the call's idempotency key. */
  ledger: CallLedger;
  /** Makes the call: HTTPS, Lambda, or stubs. */
  caller: CallPort;
  /** The slots of targets with a bound (`maxConcurrent`), shared by every calls function instance. */
  slots: CallSlots;
  now: () => number;
};

/**
 * How long after its claim an unanswered call may still be in flight, beyond its own timeout: the calls
 * function's time to record the answer. After that its outcome is unknown.
 */
export const CALL_CLAIM_MARGIN_MS = 60_000;

/** How long a call that found its target's slots all taken waits on the queue before it tries again. */
export const CALL_SLOT_WAIT_MS = 2_000;

export type CallStatus =
  /** Answered (or failed for good) now, and applied to the customer. */
  | 'answered'
  | 'failed'
  /** An attempt failed for now; the next one is on the queue. */
  | 'retrying'
  /** Another worker may be making it; put back until its claim goes stale. */
  | 'waiting'
  /** Arrived before its notBefore; put back. */
  | 'requeued'
  /** Its target's bound was reached: put back shortly, with no attempt counted and nothing recorded. */
  | 'throttled'
  /** Answered before: the recorded answer was applied again (a no-op when it was applied already). */
  | 'duplicate';

export type CallHandled = {
  callId: string;
  userId: string;
  status: CallStatus;
  attempt: number;
  /** Why it failed, when it did: the adapter's reason, `unknown_outcome`, ... */
  reason?: string;
  /** What applying the answer did, when it was applied. */
  applied?: InputResult;
};

/**
 * One call from the calls queue: claimed in the calls ledger, made through the CallPort, its answer recorded
 * in the ledger and then applied to the customer as a `call-result` input (engine.ts), which moves the
 * enrollment to the step's `next` or `onFailure` and keeps the saved fields.
 *
 * - **Once.** The claim comes before the request, and the answer is recorded before it is applied: a
 *   redelivered call that was answered applies the recorded answer again (the engine drops it as a duplicate
 *   input) and is never made twice.
 * - **Unknown.** A claim with no answer after the call's timeout and a margin means a worker crashed after
 *   (or during) the request: with `onUnknown: fail` (the default) it takes onFailure as `unknown_outcome`, as
 *   an unknown send is reported and never resent; with `retry` it is made again with the same idempotency key.
 * - **Retries.** An attempt that may answer differently (5xx, 429, a timeout, a network error) releases the
 *   claim and goes back on the queue after the step's backoff (doubling), up to `retries` more attempts.
 * - **Bound.** A target with `maxConcurrent` has that many slots (CallSlots). The slot is taken after the
 *   claim (so only the worker making the call holds one) and given back after the request; with none free,
 *   the claim is released and the call goes back on the queue for CALL_SLOT_WAIT_MS. A slot's lease lasts the
 *   call's timeout and the claim margin, so a crashed worker's slot frees when its claim goes stale.
 */
export async function performCall(
  queued: QueuedCall,
  ports: CallPorts,
  origin: string,
): Promise<CallHandled> {
  const { intent, attempt } = queued;
  const now = ports.now();
  const base = { callId: intent.callId, userId: intent.userId, attempt };
  if (queued.notBefore !== undefined && queued.notBefore > now) {
    await requeue(queued, queued.notBefore, now, ports);
    return { ...base, status: 'requeued' };
  }
  if (!(await ports.ledger.claim(intent.callId, now))) {
    const claim = await ports.ledger.claimOf(intent.callId);
    const found = claim ? await onClaimed(queued, claim, ports, now, origin) : undefined;
    if (found) return found;
  }
  return attemptCall(queued, ports, now, origin);
}

/** A call found claimed: answered before, in flight, or left by a crash. Undefined: make it (taken over). */
async function onClaimed(
  queued: QueuedCall,
  claim: CallClaim,
  ports: CallPorts,
  now: number,
  origin: string,
): Promise<CallHandled | undefined> {
  const { intent, attempt } = queued;
  const base = { callId: intent.callId, userId: intent.userId, attempt };
  if (claim.state === 'ANSWERED' && claim.answer) {
    const applied = await applyAnswer(intent, claim.answer, ports, origin);
    return { ...base, status: 'duplicate', applied };
  }
  const staleAt = claim.claimedAt + intent.timeoutMs + CALL_CLAIM_MARGIN_MS;
  if (now < staleAt) {
    await requeue(queued, staleAt, now, ports);
    return { ...base, status: 'waiting' };
  }
  if (intent.onUnknown === 'retry' && (await ports.ledger.reclaim(intent.callId, claim.attempt, now)))
    return undefined;
  const answer: CallAnswer = { ok: false, reason: 'unknown_outcome' };
  await ports.ledger.answer(intent.callId, answer, now);
  const applied = await applyAnswer(intent, answer, ports, origin);
  return { ...base, status: 'failed', reason: answer.reason, applied };
}

async function attemptCall(
  queued: QueuedCall,
  ports: CallPorts,
  now: number,
  origin: string,
): Promise<CallHandled> {
  const { intent, attempt } = queued;
  const base = { callId: intent.callId, userId: intent.userId, attempt };
  // The body is rendered now, on the profile of now (one read), as a message is rendered by deliver.
  const stored = await ports.apply.states.load(intent.userId);
  const rendered = renderCallTarget(
    intent,
    stored?.state.profile ?? emptyProfile(),
    ports.apply.context().lifecycle,
    now,
  );
  if (!rendered.ok) {
    const answer: CallAnswer = { ok: false, reason: rendered.reason };
    await ports.ledger.answer(intent.callId, answer, now);
    const applied = await applyAnswer(intent, answer, ports, origin);
    return { ...base, status: 'failed', reason: answer.reason, applied };
  }
  const limit = intent.limit;
  if (limit === undefined) return makeCall(queued, rendered.target, ports, now, origin);
  const leaseEnd = now + intent.timeoutMs + CALL_CLAIM_MARGIN_MS;
  if (!(await ports.slots.acquire(limit.target, intent.callId, limit.max, now, leaseEnd))) {
    // Not made: no attempt counted. The claim goes, so that the call is claimed again when it comes back.
    await ports.ledger.release(intent.callId);
    await requeue(queued, now + CALL_SLOT_WAIT_MS, now, ports);
    return { ...base, status: 'throttled' };
  }
  try {
    return await makeCall(queued, rendered.target, ports, now, origin);
  } finally {
    await ports.slots.release(limit.target, intent.callId);
  }
}

/** Makes the call through the CallPort and records and applies its answer, or puts it back for a retry. */
async function makeCall(
  queued: QueuedCall,
  target: CallTarget,
  ports: CallPorts,
  now: number,
  origin: string,
): Promise<CallHandled> {
  const { intent, attempt } = queued;
  const base = { callId: intent.callId, userId: intent.userId, attempt };
  const response = await ports.caller.call({
    target,
    idempotencyKey: intent.idempotencyKey,
    timeoutMs: intent.timeoutMs,
    userId: intent.userId,
    journeyId: intent.journeyId,
    stepId: intent.stepId,
  });
  ports.apply.observer?.observe({
    type: 'called',
    at: now,
    intent,
    attempt,
    ...(response.ok ? {} : { reason: response.reason }),
  });
  if (!response.ok && response.retryable && attempt <= intent.retries) {
    // The target did not take it for good: the claim goes, and the next attempt claims it again.
    await ports.ledger.release(intent.callId);
    const notBefore = now + intent.backoffMs * 2 ** (attempt - 1);
    await requeue({ intent, attempt: attempt + 1 }, notBefore, now, ports);
    return { ...base, status: 'retrying', reason: response.reason };
  }
  const answer: CallAnswer = response.ok
    ? { ok: true, saved: pickSaved(response.answer, intent.saveAs) }
    : { ok: false, reason: response.reason };
  await ports.ledger.answer(intent.callId, answer, now);
  const applied = await applyAnswer(intent, answer, ports, origin);
  return answer.ok
    ? { ...base, status: 'answered', applied }
    : { ...base, status: 'failed', reason: answer.reason, applied };
}

function applyAnswer(intent: CallIntent, answer: CallAnswer, ports: CallPorts, origin: string) {
  const { callId, userId, enrollmentId, stepId } = intent;
  return applyInput(
    userId,
    { kind: 'call-result', result: { callId, userId, enrollmentId, stepId, answer } },
    ports.apply,
    origin,
  );
}

/** Puts the call back on the calls queue, invisible until `notBefore` or for the longest delay SQS allows. */
async function requeue(queued: QueuedCall, notBefore: number, now: number, ports: CallPorts): Promise<void> {
  const calls = ports.apply.calls;
  if (!calls) throw new Error('no calls queue is wired to put the call back on');
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((notBefore - now) / 1000)));
  await calls.enqueue([
    { call: { intent: queued.intent, attempt: queued.attempt, notBefore }, delaySeconds },
  ]);
}
