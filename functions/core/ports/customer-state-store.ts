import type { CustomerState } from '../engine/state.ts';

/**
 * A customer's state as stored, with the version it was stored under. Versions start at 1 on the first save
 * and grow by one on each save; only the store assigns them.
 */
export type StoredCustomerState = { state: CustomerState; version: number };

export type SaveResult =
  | { ok: true; version: number }
  /** Someone saved this customer since it was loaded (or created it, when it was absent). Nothing was written. */
  | { ok: false; reason: 'conflict' };

/**
 * Where each customer's engine state lives between inputs: one record per customer, replaced whole. The only
 * concurrency control is optimistic: a save names the version it read and fails when that is no longer the
 * stored one, so two concurrent inputs of one customer cannot both write over the same version and one of them
 * must read again (see runtime/read-process-write.ts). test/contracts/customer-state-store.contract.ts is the
 * contract every implementation passes.
 *
 * There is deliberately no expiry: the state carries the profile, and with it consent and opt-outs, which must
 * outlive any period of inactivity.
 */
export interface CustomerStateStore {
  /** The stored state and its version, or undefined when the customer has never been saved. */
  load(userId: string): Promise<StoredCustomerState | undefined>;
  /**
   * Replaces the state of `state.userId` when its stored version is `expectedVersion`, or creates it when
   * `expectedVersion` is undefined and nothing is stored yet. Returns the new version, or a conflict.
   */
  save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult>;
}
