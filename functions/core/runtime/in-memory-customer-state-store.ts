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
   * Keep each saved state itself, deeply frozen, and hand that out on load, instead of JSON text parsed on
   * each load: the simulator's choice, for speed. The use cases never change a state they were given (the
   * engine is pure), and the freeze makes any that did fail at once. The parity test holds it to the local
   * stack, whose DynamoDB store serialises.
   */
  shareFrozen?: boolean;
};

/**
 * A saved state as kept: JSON text, parsed on each load so that neither side can change the other's copy; or
 * (`shareFrozen`) the state itself, deeply frozen, handed out as it is, so that any change to it fails at once.
 */
type Kept = { json: string } | { frozen: CustomerState };

export class InMemoryCustomerStateStore implements CustomerStateStore, AddressHolders, StateWithSuppressions {
  private readonly records = new Map<string, { kept: Kept; version: number; addresses: string[] }>();

  constructor(private readonly options: InMemoryCustomerStateStoreOptions = {}) {}

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const record = this.records.get(userId);
    return record ? { state: read(record.kept), version: record.version } : undefined;
  }

  /** The stored state, read at once (for reports on a run in this process). */
  peek(userId: string): CustomerState | undefined {
    const record = this.records.get(userId);
    return record ? read(record.kept) : undefined;
  }

  /** Every stored state, a page at a time, as a Scan of the table reads them (ports/customer-scan.ts). */
  async *pages(pageSize = 1_000): AsyncGenerator<readonly CustomerState[]> {
    let page: CustomerState[] = [];
    for (const record of this.records.values()) {
      page.push(read(record.kept));
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
    const kept: Kept = this.options.shareFrozen
      ? { frozen: deepFreeze(state) }
      : { json: JSON.stringify(state) };
    this.records.set(state.userId, { kept, version, addresses: addressesOf(state.profile) });
    return { ok: true, version };
  }

  async holdersOf(address: string): Promise<string[]> {
    return [...this.records].flatMap(([userId, r]) => (r.addresses.includes(address) ? [userId] : []));
  }
}

function read(kept: Kept): CustomerState {
  return 'frozen' in kept ? kept.frozen : CustomerState.parse(JSON.parse(kept.json));
}

/** Freezes a value and everything it holds; what is frozen already is left as it is (shared parts). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
