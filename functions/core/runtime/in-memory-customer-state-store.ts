import { CustomerState } from '../engine/state.ts';
import type { CustomerStateStore, SaveResult, StoredCustomerState } from '../ports/customer-state-store.ts';

/**
 * The customer state store in memory, for tests and in-process runs. States are kept as JSON text and parsed
 * on load, as the DynamoDB store does, so neither side can change the other's copy and anything that would
 * not survive serialisation shows up here too.
 */
export class InMemoryCustomerStateStore implements CustomerStateStore {
  private readonly records = new Map<string, { json: string; version: number }>();

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const record = this.records.get(userId);
    if (!record) return undefined;
    return { state: CustomerState.parse(JSON.parse(record.json)), version: record.version };
  }

  // No await inside: on one event loop the check and the write run without interleaving.
  async save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult> {
    const current = this.records.get(state.userId)?.version;
    if (current !== expectedVersion) return { ok: false, reason: 'conflict' };
    const version = (current ?? 0) + 1;
    this.records.set(state.userId, { json: JSON.stringify(state), version });
    return { ok: true, version };
  }
}
