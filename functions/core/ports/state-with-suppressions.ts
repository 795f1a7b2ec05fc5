import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { StoredCustomerState } from './customer-state-store.ts';

/**
 * A customer state store that can read, in the same request as a customer's state, whether some addresses
 * are suppressed (their own items, whoever holds them). Ingest uses it for the addresses an event brings, so
 * that an address suppressed before it entered this profile is honoured without a second request.
 */
export interface StateWithSuppressions {
  loadWithSuppressions(
    userId: string,
    addresses: readonly string[],
  ): Promise<{ stored: StoredCustomerState | undefined; suppressed: [string, SuppressionReason][] }>;
}
