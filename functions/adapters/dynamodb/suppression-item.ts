import * as z from 'zod';
import { SuppressionReason } from '../../core/policies/suppression-reason.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';

/**
 * The item that says an address is suppressed (`ADDR#<normalised address>` / `SUPPRESSION`, reason `r`),
 * whoever holds it. The policy store writes it; the customer state store reads it with a state whose event
 * brings the address (docs/data-model.md).
 */
const ADDRESS_PREFIX = 'ADDR#';
const REASON = 'r';

export function suppressionKey(address: string) {
  return { [PARTITION_KEY]: `${ADDRESS_PREFIX}${address}`, [SORT_KEY]: 'SUPPRESSION' };
}

export function suppressionItem(address: string, reason: SuppressionReason) {
  return { ...suppressionKey(address), [REASON]: reason };
}

const SuppressionItem = z.lazy(() =>
  z.object({
    [PARTITION_KEY]: z.string().startsWith(ADDRESS_PREFIX),
    [REASON]: SuppressionReason,
  }),
);

/** The address and reason of a suppression item; undefined for any other item. */
export function parseSuppression(item: Record<string, unknown>): [string, SuppressionReason] | undefined {
  const parsed = SuppressionItem.safeParse(item);
  if (!parsed.success) return undefined;
  return [parsed.data[PARTITION_KEY].slice(ADDRESS_PREFIX.length), parsed.data[REASON]];
}
