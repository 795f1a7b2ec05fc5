import type { SuppressionReason } from '../policies/config.ts';
import type { Claim, Completion } from '../policies/ledger.ts';
import type { AddressHolders } from '../ports/address-holders.ts';
import type { CustomerStateStore } from '../ports/customer-state-store.ts';
import type { PolicyStore } from '../ports/policy-store.ts';
import { suppressHolders } from './suppress-holders.ts';

export type InMemoryPolicyStoreOptions = {
  /** The customer states to copy suppressions into, as the DynamoDB store does (the simulator passes its own). */
  customers?: CustomerStateStore & AddressHolders;
};

/** The policy store in memory, for the simulator, journey tests, explain and tests. */
export class InMemoryPolicyStore implements PolicyStore {
  private readonly claims = new Map<string, Claim>();
  private readonly suppressions = new Map<string, SuppressionReason>();

  constructor(private readonly options: InMemoryPolicyStoreOptions = {}) {}

  // No await inside any method but suppress: on one event loop each check-and-write runs without interleaving.
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
