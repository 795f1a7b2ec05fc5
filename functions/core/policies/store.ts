import type { SuppressionReason } from './config.ts';

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
  /** Atomically records that `messageId` is being sent; false when it was claimed before. */
  claim(messageId: string, at: number): Promise<boolean>;
  /** Which of these addresses are suppressed, and why. */
  suppressed(addresses: readonly string[]): Promise<[string, SuppressionReason][]>;
  suppress(address: string, reason: SuppressionReason): Promise<void>;
}

type Counted = { messageId: string; at: number };

/** The policy store in memory, for the simulator, journey tests and explain. */
export class InMemoryPolicyStore implements PolicyStore {
  private readonly counts = new Map<string, Counted[]>();
  private readonly claims = new Set<string>();
  private readonly suppressions = new Map<string, SuppressionReason>();

  // No await inside: on one event loop the whole check-and-count runs without interleaving.
  async tryCount(
    userId: string,
    messageId: string,
    at: number,
    rules: readonly CapCheck[],
  ): Promise<CountResult> {
    const blocking: { ruleId: string; freesAt: number }[] = [];
    const live = rules.map((rule) => {
      const key = `${userId}\u0000${rule.ruleId}`;
      const counted = (this.counts.get(key) ?? []).filter((c) => c.at > at - rule.windowMs);
      const already = counted.some((c) => c.messageId === messageId);
      if (!already && counted.length >= rule.max) {
        const times = counted.map((c) => c.at).sort((a, b) => a - b);
        const oldestThatMustGo = times[counted.length - rule.max] ?? at;
        blocking.push({ ruleId: rule.ruleId, freesAt: oldestThatMustGo + rule.windowMs });
      }
      return { key, counted, already };
    });
    if (blocking.length > 0) return { ok: false, blocking };
    for (const { key, counted, already } of live)
      this.counts.set(key, already ? counted : [...counted, { messageId, at }]);
    return { ok: true };
  }

  async claim(messageId: string): Promise<boolean> {
    if (this.claims.has(messageId)) return false;
    this.claims.add(messageId);
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
  }
}
