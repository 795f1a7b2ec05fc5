import type { CustomerState } from '../engine/state.ts';
import { utf8Bytes } from '../events/limits.ts';

/**
 * A customer's state as stored, with the version it was stored under. Versions start at 1 on the first save
 * and grow by one on each save; only the store assigns them.
 */
export type StoredCustomerState = { state: CustomerState; version: number };

export type SaveResult =
  | { ok: true; version: number }
  /** Someone saved this customer since it was loaded (or created it, when it was absent). Nothing was written. */
  | { ok: false; reason: 'conflict' }
  /** The state's JSON text is `bytes` long in UTF-8, over the `maxBytes` the save was given. Nothing was written. */
  | { ok: false; reason: 'too-large'; bytes: number };

/**
 * Whether a state's JSON text (`JSON.stringify(state)`, which every store writes out anyway) passes `maxBytes`
 * in UTF-8: then the save is refused with its size. Most texts are decided without encoding them, a UTF-8
 * character being at most 3 bytes per UTF-16 unit.
 */
export function tooLargeToSave(json: string, maxBytes: number | undefined): SaveResult | undefined {
  if (maxBytes === undefined || json.length * 3 <= maxBytes) return undefined;
  const bytes = utf8Bytes(json);
  return bytes > maxBytes ? { ok: false, reason: 'too-large', bytes } : undefined;
}

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
   * `expectedVersion` is undefined and nothing is stored yet. Returns the new version, or a conflict. Given
   * `maxBytes`, a state whose JSON text passes it in UTF-8 is not written (`tooLargeToSave`): the size limit is
   * checked where the text is written out (docs/events.md, "Limits"), not by writing it out once more per input.
   */
  save(state: CustomerState, expectedVersion: number | undefined, maxBytes?: number): Promise<SaveResult>;
}
