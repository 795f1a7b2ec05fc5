import type { CustomerStateStore } from '../ports/customer-state-store.ts';
import { type CountedSend, countSend } from './caps-window.ts';
import type { SuppressionReason } from './config.ts';
import { type AddressHolders, suppressHolders } from './customer-delivery.ts';
import type { Claim, Completion } from './ledger.ts';

/** One cap rule as the store counts it: per customer and rule id, at most `max` within `windowMs`. */
export type CapCheck = { ruleId: string; max: number; windowMs: number };

export type CountResult =
  | { ok: true }
  /** Every rule that blocked, and when its window frees enough for one more message. */
  | { ok: false; blocking: { ruleId: string; freesAt: number }[] };

/**
 * What the delivery policies keep between sends. The two writes are each one conditional operation, so that
 * concurrent sends to one customer cannot both pass a cap or both claim a message; the DynamoDB store must
 * keep that (test/contracts/policy-store.contract.ts is the contract both stores pass).
 */
export interface PolicyStore {
  /**
   * Atomically: when no rule is at its maximum within its rolling window (sends at or before `at - windowMs`
   * no longer count), count `messageId` at `at` under every rule; otherwise count nothing and say why.
   * A message already counted under a rule is not counted again, so a retried send costs nothing extra.
   */
  tryCount(userId: string, messageId: string, at: number, rules: readonly CapCheck[]): Promise<CountResult>;
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

export type InMemoryPolicyStoreOptions = {
  /** The customer states to copy suppressions into, as the DynamoDB store does; none in the simulator. */
  customers?: CustomerStateStore & AddressHolders;
};

/** The policy store in memory, for the simulator, journey tests and explain. */
export class InMemoryPolicyStore implements PolicyStore {
  private readonly counts = new Map<string, CountedSend[]>();
  private readonly claims = new Map<string, Claim>();
  private readonly suppressions = new Map<string, SuppressionReason>();

  constructor(private readonly options: InMemoryPolicyStoreOptions = {}) {}

  // No await inside any method: on one event loop each check-and-write runs without interleaving.
  async tryCount(
    userId: string,
    messageId: string,
    at: number,
    rules: readonly CapCheck[],
  ): Promise<CountResult> {
    const decision = countSend(this.counts.get(userId) ?? [], messageId, at, rules);
    if (!decision.ok) return decision;
    this.counts.set(userId, decision.sends);
    return { ok: true };
  }

  async claim(messageId: string, at: number): Promise<boolean> {
    if (this.claims.has(messageId)) return false;
    this.claims.set(messageId, { messageId, state: 'CLAIMED', claimedAt: at, attempt: 1 });
    return true;
  }

  async complete(messageId: string, completion: Completion): Promise<boolean> {
    const claim = this.claims.get(messageId);
    if (claim?.state !== 'CLAIMED') return false;
    const { status, at, ...details } = completion;
    this.claims.set(messageId, { ...claim, state: status, completedAt: at, ...details });
    return true;
  }

  async release(messageId: string): Promise<boolean> {
    if (this.claims.get(messageId)?.state !== 'CLAIMED') return false;
    this.claims.delete(messageId);
    return true;
  }

  async claimOf(messageId: string): Promise<Claim | undefined> {
    const claim = this.claims.get(messageId);
    return claim ? { ...claim } : undefined;
  }

  async reclaim(messageId: string, attempt: number, at: number): Promise<boolean> {
    const claim = this.claims.get(messageId);
    if (claim?.state !== 'CLAIMED' || claim.attempt !== attempt) return false;
    this.claims.set(messageId, { ...claim, claimedAt: at, attempt: attempt + 1 });
    return true;
  }

  async suppressed(addresses: readonly string[]): Promise<[string, SuppressionReason][]> {
    return addresses.flatMap((a): [string, SuppressionReason][] => {
      const reason = this.suppressions.get(a);
      return reason ? [[a, reason]] : [];
    });
  }

  async suppress(address: string, reason: SuppressionReason): Promise<void> {
    this.suppressions.set(address, reason);
    if (this.options.customers) await suppressHolders(this.options.customers, address, reason);
  }
}
