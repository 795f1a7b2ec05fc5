import type { Claim, Completion } from '../policies/ledger.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { AddressHolders } from '../ports/address-holders.ts';
import type { CustomerStateStore } from '../ports/customer-state-store.ts';
import type { PolicyStore } from '../ports/policy-store.ts';
import { ownRecord, type TextRecords } from '../ports/text-records.ts';
import { suppressHolders } from './suppress-holders.ts';

export type InMemoryPolicyStoreOptions = {
  /** The customer states to copy suppressions into, as the DynamoDB store does (the simulator passes its own). */
  customers?: CustomerStateStore & AddressHolders;
  /** Where the claims' JSON text is kept: a Map in the heap by default; `cairn simulate` passes a spill file. */
  texts?: TextRecords;
};

/**
 * The policy store in memory, for the simulator, journey tests, explain and tests. Claims are kept as JSON
 * text, as the table keeps items: a simulation claims every message it sends and keeps each claim to its end
 * (the ledger's 90 days outlast a simulated month), and one-byte text takes less than half the memory of the
 * claim's object and strings (docs/benchmarks.md, "A 1,000,000-event simulation").
 */
export class InMemoryPolicyStore implements PolicyStore {
  private readonly claims: TextRecords;
  private readonly suppressions = new Map<string, SuppressionReason>();

  constructor(private readonly options: InMemoryPolicyStoreOptions = {}) {
    this.claims = options.texts ?? new Map();
  }

  // No await inside any method but suppress: on one event loop each check-and-write runs without interleaving.
  async claim(messageId: string, at: number): Promise<boolean> {
    if (this.claims.has(messageId)) return false;
    this.keep({ messageId, state: 'CLAIMED', claimedAt: at, attempt: 1 });
    return true;
  }

  async complete(messageId: string, completion: Completion): Promise<boolean> {
    const claim = this.read(messageId);
    if (claim?.state !== 'CLAIMED') return false;
    const { status, at, ...details } = completion;
    this.keep({ ...claim, state: status, completedAt: at, ...details });
    return true;
  }

  async release(messageId: string): Promise<boolean> {
    if (this.read(messageId)?.state !== 'CLAIMED') return false;
    this.claims.delete(messageId);
    return true;
  }

  async claimOf(messageId: string): Promise<Claim | undefined> {
    return this.read(messageId);
  }

  async reclaim(messageId: string, attempt: number, at: number): Promise<boolean> {
    const claim = this.read(messageId);
    if (claim?.state !== 'CLAIMED' || claim.attempt !== attempt) return false;
    this.keep({ ...claim, claimedAt: at, attempt: attempt + 1 });
    return true;
  }

  private keep(claim: Claim): void {
    this.claims.set(claim.messageId, JSON.stringify(claim));
  }

  /** A claim as this store wrote it (keep), a fresh copy. */
  private read(messageId: string): Claim | undefined {
    return ownRecord<Claim>(this.claims, messageId);
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
