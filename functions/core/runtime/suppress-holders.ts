import { addressesOf } from '../policies/channels.ts';
import { withSuppression } from '../policies/customer-delivery.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { AddressHolders } from '../ports/address-holders.ts';
import type { CustomerStateStore } from '../ports/customer-state-store.ts';
import { type ReadModifyWriteOptions, readModifyWrite } from './read-modify-write.ts';

/**
 * Copies a suppression of `address` into the state of every customer who holds it, so that a decision made
 * in the customer's state honours it without reading the address's own item. The index may lag, so only a
 * customer whose profile holds the address when read is changed. Returns how many states were written.
 */
export async function suppressHolders(
  store: CustomerStateStore & AddressHolders,
  address: string,
  reason: SuppressionReason,
  retry: Omit<ReadModifyWriteOptions, 'store'> = {},
): Promise<number> {
  const holders = await store.holdersOf(address);
  const written = await Promise.all(
    holders.map(async (userId) => {
      const done = await readModifyWrite(
        userId,
        (before) => ({
          state: addressesOf(before.profile).includes(address)
            ? withSuppression(before, address, reason)
            : before,
          value: undefined,
        }),
        { ...retry, store },
      );
      return done.written;
    }),
  );
  return written.filter(Boolean).length;
}
