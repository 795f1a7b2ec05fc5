import type { Category } from '../journeys/schema.ts';

/**
 * The send ledger: a message is claimed before the provider call and completed after it, so that a
 * re-delivered or retried send never reaches the provider twice (issue 6, docs/data-model.md).
 */
export type ClaimState = 'CLAIMED' | 'SENT' | 'FAILED';

export type Claim = {
  messageId: string;
  state: ClaimState;
  /** When the current attempt was claimed (ms). */
  claimedAt: number;
  /** 1 for the first claim; one more for each retry that took the claim over (`reclaim`). */
  attempt: number;
  completedAt?: number;
  /** The provider's id of the message (SES MessageId, ...), when it was sent. */
  providerMessageId?: string;
  /** Why the provider refused it, when it failed. */
  error?: string;
};

/** What the provider call came to, recorded by `complete`. */
export type Completion =
  | { status: 'SENT'; at: number; providerMessageId?: string }
  | { status: 'FAILED'; at: number; error: string };

export type LedgerOptions = {
  /** The journey's category: marketing messages are never resent blindly. */
  category: Category;
  /** A transactional journey's opt-in to retrying a send whose outcome is unknown. */
  retryUnknown: boolean;
  now: number;
  /**
   * How long a claim may stay without a completion before its outcome counts as unknown. Shorter than the
   * longest provider call would let a retry race a send still in flight; default 15 minutes, the Lambda limit.
   */
  unknownAfterMs?: number;
  /** Attempts in all (the first included) before an unknown transactional send is no longer retried. */
  maxAttempts?: number;
};

export const DEFAULT_UNKNOWN_AFTER_MS = 15 * 60_000;
export const DEFAULT_MAX_SEND_ATTEMPTS = 3;

export type ClaimDecision =
  /** Completed before: nothing to do; the outcome is the recorded one. */
  | { action: 'done'; state: 'SENT' | 'FAILED' }
  /** Claimed recently and not completed: another worker may be calling the provider; look again later. */
  | { action: 'wait'; until: number }
  /** Claimed long ago and never completed: the provider may or may not have it. Report it; do not resend. */
  | { action: 'report'; outcome: 'UNKNOWN' }
  /** Transactional and opted in: take the claim over (`reclaim` with this attempt) and send again. */
  | { action: 'retry'; attempt: number };

/**
 * What to do when a send finds its message already claimed. A claim with no completion means a worker
 * crashed between claim and completion, or is still sending: until `unknownAfterMs` it may be in flight;
 * after that its outcome is UNKNOWN. A marketing message is then reported and never resent, because a
 * duplicate promotion costs more trust than a missed one; a transactional journey may opt into retrying
 * (a receipt that may arrive twice beats one that never arrives), up to `maxAttempts`.
 */
export function decideOnClaimed(claim: Claim, options: LedgerOptions): ClaimDecision {
  if (claim.state !== 'CLAIMED') return { action: 'done', state: claim.state };
  const unknownAt = claim.claimedAt + (options.unknownAfterMs ?? DEFAULT_UNKNOWN_AFTER_MS);
  if (options.now < unknownAt) return { action: 'wait', until: unknownAt };
  const retries =
    options.category === 'transactional' &&
    options.retryUnknown &&
    claim.attempt < (options.maxAttempts ?? DEFAULT_MAX_SEND_ATTEMPTS);
  return retries ? { action: 'retry', attempt: claim.attempt } : { action: 'report', outcome: 'UNKNOWN' };
}
