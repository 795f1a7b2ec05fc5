import type { Claim, Completion } from '../policies/ledger.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';

/**
 * The send ledger and the address-level suppressions. Each write is one conditional operation, so that two
 * workers cannot both claim a message; the DynamoDB store must keep that (test/contracts/policy-store.contract.ts
 * is the contract both stores pass). Caps are counted in the customer's state (policies/customer-delivery.ts).
 */
export interface PolicyStore {
  /** Atomically records that `messageId` is being sent (attempt 1); false when it was claimed before. */
  claim(messageId: string, at: number): Promise<boolean>;
  /**
   * Records what the provider call came to. False, and nothing recorded, when the message has no open claim
   * (never claimed, or completed before): a completion never overwrites another.
   */
  complete(messageId: string, completion: Completion): Promise<boolean>;
  /**
   * Forgets an open claim, so the message can be claimed and sent again later (a redrive): for a provider
   * that refused it for now (throttled, unavailable, over quota) and so certainly does not have it. False, and
   * nothing changed, when the message has no open claim.
   */
  release(messageId: string): Promise<boolean>;
  /** The message's claim as stored, or undefined when it was never claimed (or its record expired). */
  claimOf(messageId: string): Promise<Claim | undefined>;
  /**
   * Atomically takes over an open claim whose attempt is `attempt` (see ledger.ts, `decideOnClaimed`), as
   * attempt `attempt + 1` at `at`; false when it was completed or taken over by someone else meanwhile.
   */
  reclaim(messageId: string, attempt: number, at: number): Promise<boolean>;
  /** Which of these addresses are suppressed, and why. */
  suppressed(addresses: readonly string[]): Promise<[string, SuppressionReason][]>;
  /**
   * Suppresses an address for everyone who holds it. A store that shares a table with the customer states
   * also copies the suppression into the state of each customer holding the address (customer-delivery.ts),
   * where the runtime decides.
   */
  suppress(address: string, reason: SuppressionReason): Promise<void>;
}
