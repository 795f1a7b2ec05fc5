import { CustomerState } from '../engine/state.ts';
import { addressesOf } from '../policies/channels.ts';
import type { SuppressionReason } from '../policies/config.ts';
import type { AddressHolders } from '../ports/address-holders.ts';
import type { CustomerStateStore, SaveResult, StoredCustomerState } from '../ports/customer-state-store.ts';
import type { StateWithSuppressions } from '../ports/state-with-suppressions.ts';

/**
 * The customer state store in memory, for tests and in-process runs. States are kept as JSON text and parsed
 * on load, as the DynamoDB store does, so neither side can change the other's copy and anything that would
 * not survive serialisation shows up here too.
 */
export type InMemoryCustomerStateStoreOptions = {
  /** Where address-level suppressions are kept (an InMemoryPolicyStore's `suppressed`), as the table does. */
  suppressionsOf?: (addresses: readonly string[]) => Promise<[string, SuppressionReason][]>;
  /**
   * How a saved state is kept between inputs:
   * - 'checked' (the default): JSON text, validated with the schema on each load, so that anything that would
   *   not survive serialisation or breaks the schema shows up in tests as it would on DynamoDB.
   * - 'text': JSON text parsed on load without validating it again: the simulator's choice. The text is this
   *   store's own serialisation of a state the use cases made, and one-byte JSON text takes about 40% of the
   *   memory the state's objects do (docs/benchmarks.md, "A 1,000,000-event simulation"), which bounds a
   *   simulation of many customers. Each load is a fresh copy, so no caller can change what is stored. The
   *   parity test holds the simulator to the local stack, whose DynamoDB store validates.
   */
  keep?: 'checked' | 'text';
};

export class InMemoryCustomerStateStore implements CustomerStateStore, AddressHolders, StateWithSuppressions {
  private readonly records = new Map<string, { json: string; version: number; addresses: string[] }>();

  constructor(private readonly options: InMemoryCustomerStateStoreOptions = {}) {}

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const record = this.records.get(userId);
    return record ? { state: this.read(record.json), version: record.version } : undefined;
  }

  /** The stored state, read at once (for reports on a run in this process). */
  peek(userId: string): CustomerState | undefined {
    const record = this.records.get(userId);
    return record ? this.read(record.json) : undefined;
  }

  /** Every stored state, a page at a time, as a Scan of the table reads them (ports/customer-scan.ts). */
  async *pages(pageSize = 1_000): AsyncGenerator<readonly CustomerState[]> {
    let page: CustomerState[] = [];
    for (const record of this.records.values()) {
      page.push(this.read(record.json));
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async loadWithSuppressions(
    userId: string,
    addresses: readonly string[],
  ): Promise<{ stored: StoredCustomerState | undefined; suppressed: [string, SuppressionReason][] }> {
    const [stored, suppressed] = await Promise.all([
      this.load(userId),
      this.options.suppressionsOf?.(addresses) ?? [],
    ]);
    return { stored, suppressed };
  }

  // No await inside: on one event loop the check and the write run without interleaving.
  async save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult> {
    const current = this.records.get(state.userId)?.version;
    if (current !== expectedVersion) return { ok: false, reason: 'conflict' };
    const version = (current ?? 0) + 1;
    const json = JSON.stringify(state);
    this.records.set(state.userId, { json, version, addresses: addressesOf(state.profile) });
    return { ok: true, version };
  }

  private read(json: string): CustomerState {
    return this.options.keep === 'text' ? trustedState(json) : CustomerState.parse(JSON.parse(json));
  }

  async holdersOf(address: string): Promise<string[]> {
    return [...this.records].flatMap(([userId, r]) => (r.addresses.includes(address) ? [userId] : []));
  }
}

/** A state as this store wrote it, parsed without validating it again (the `text` way of keeping). */
function trustedState(json: string): CustomerState {
  // JSON.stringify of a CustomerState, written by save above: its shape is the one it was saved with.
  return JSON.parse(json);
}
