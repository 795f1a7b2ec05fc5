import type { CallAnswer } from '../calls/intent.ts';

/** A call's record in the calls ledger, keyed by its idempotency key (docs/data-model.md). */
export type CallClaim = {
  callId: string;
  state: 'CLAIMED' | 'ANSWERED';
  claimedAt: number;
  /** 1 for the first claim; one more for each take-over of a claim whose outcome is unknown. */
  attempt: number;
  /** What the call came to, once recorded. */
  answer?: CallAnswer;
};

/**
 * The calls ledger: a call is claimed before the request and its answer recorded after it, so that a
 * redelivered call is never made again once answered, and one whose answer was lost (a crash) is found.
 * Each write is one conditional operation, as in the send ledger (ports/policy-store.ts).
 */
export interface CallLedger {
  /** Atomically records that the call is being made (attempt 1); false when it was claimed before. */
  claim(callId: string, at: number): Promise<boolean>;
  /** Records the answer of an open claim; false, and nothing recorded, when there is none. */
  answer(callId: string, answer: CallAnswer, at: number): Promise<boolean>;
  /** Forgets an open claim (an attempt that failed for now, to be retried later); false when there is none. */
  release(callId: string): Promise<boolean>;
  claimOf(callId: string): Promise<CallClaim | undefined>;
  /** Takes over an open claim at `attempt` as attempt + 1; false when it changed meanwhile. */
  reclaim(callId: string, attempt: number, at: number): Promise<boolean>;
}
