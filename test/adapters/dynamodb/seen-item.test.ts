import { describe, expect, it } from 'vitest';
import {
  appliedOnly,
  beyondSeenItem,
  decodeSeen,
  encodeSeen,
  FLUSH_AT_PRINTS,
  FLUSH_MIN_PRINTS,
  mergeSeen,
  planSeen,
  type SeenAsLoaded,
} from '../../../functions/adapters/dynamodb/seen-item.ts';
import { encodePrint } from '../../../functions/core/engine/seen.ts';

/** `count` distinct fingerprints, concatenated, starting at `from`. */
const codes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => encodePrint(1_000_003 * (from + i))).join('');

describe('the seen item and the state item together', () => {
  it('give back the seen the state was saved with: the seen item days from `from` on, then the rest', () => {
    // Prepare
    const seen = { '100': codes(0, 3), '101': codes(3, 2) + codes(10, 2), '102': codes(20, 1) };
    const seenItem = { '99': codes(50, 2), '100': codes(0, 3), '101': codes(3, 2) };

    // Act
    const beyond = beyondSeenItem(seen, seenItem, 100);
    const merged = mergeSeen(beyond, seenItem, 100);

    // Assess
    expect(beyond).toEqual({ '101': codes(10, 2), '102': codes(20, 1) });
    expect(merged).toEqual(seen);
  });

  it('count no seen item when the state item has no `from`: an item written before the split', () => {
    // Prepare
    const stored = { '100': codes(0, 2) };

    // Act
    const merged = mergeSeen(stored, { '100': codes(5, 1) }, undefined);

    // Assess
    expect(merged).toBe(stored);
  });

  it('merge without repeating a fingerprint both hold', () => {
    // Act
    const merged = mergeSeen({ '100': codes(1, 2) }, { '100': codes(0, 2) }, 100);

    // Assess
    expect(merged).toEqual({ '100': codes(0, 3) });
  });

  it('refuse to count a seen item whose day the state no longer begins with (fingerprints forgotten)', () => {
    // Act
    const beyond = beyondSeenItem({ '100': codes(1, 2) }, { '100': codes(0, 2) }, 100);

    // Assess
    expect(beyond).toBeUndefined();
  });

  it('round-trip the seen item through its stored bytes, which refuse an unknown format', () => {
    // Prepare
    const seen = { '100': codes(0, 40) };
    const bytes = encodeSeen(seen);

    // Act
    const decoded = decodeSeen(bytes);

    // Assess
    expect(decoded).toEqual(seen);
    expect(() => decodeSeen(Uint8Array.from([9, ...bytes.subarray(1)]))).toThrow(/unknown format 9/);
  });
});

describe('planning a save of seen', () => {
  const loadedWith = (applied: Record<string, string>, item?: Record<string, string>): SeenAsLoaded => ({
    item,
    version: item ? 4 : undefined,
    applied,
  });
  const never = () => false;

  it('keeps every fingerprint in the state item when the state was not loaded by this store', () => {
    // Prepare
    const seen = { '100': codes(0, FLUSH_AT_PRINTS * 2) };

    // Act
    const plan = planSeen(seen, undefined, never);

    // Assess
    expect(plan).toEqual({ stored: seen, from: undefined });
  });

  it('keeps a few new fingerprints in the state item, counting the seen item for the rest', () => {
    // Prepare
    const item = { '100': codes(0, 30) };
    const seen = { '100': codes(0, 31) };

    // Act
    const plan = planSeen(seen, loadedWith(item, item), () => true);

    // Assess
    expect(plan).toEqual({ stored: { '100': codes(30, 1) }, from: 100 });
  });

  it('flushes the applied fingerprints, never the one being applied, once FLUSH_AT_PRINTS are beyond the item', () => {
    // Prepare: an item written before the split, holding FLUSH_AT_PRINTS applied inputs, and a new one.
    const applied = { '100': codes(0, FLUSH_AT_PRINTS) };
    const seen = { '100': codes(0, FLUSH_AT_PRINTS + 1) };

    // Act
    const plan = planSeen(seen, loadedWith(applied), never);

    // Assess
    expect(plan).toEqual({
      stored: { '100': codes(FLUSH_AT_PRINTS, 1) },
      from: 100,
      flush: { seen: applied, expectedVersion: undefined },
    });
  });

  it('flushes from FLUSH_MIN_PRINTS on only when they cost the state item a write unit', () => {
    // Prepare
    const item = { '100': codes(0, 10) };
    const applied = { '100': codes(0, 10 + FLUSH_MIN_PRINTS) };
    const seen = { '100': codes(0, 11 + FLUSH_MIN_PRINTS) };
    const below = { '100': codes(0, 9 + FLUSH_MIN_PRINTS) };

    // Act
    const cheap = planSeen(seen, loadedWith(applied, item), never);
    const costly = planSeen(seen, loadedWith(applied, item), () => true);
    const few = planSeen(below, loadedWith(item, item), () => true);

    // Assess
    expect(cheap.flush).toBeUndefined();
    expect(costly).toEqual({
      stored: { '100': codes(10 + FLUSH_MIN_PRINTS, 1) },
      from: 100,
      flush: { seen: applied, expectedVersion: 4 },
    });
    expect(few.flush).toBeUndefined();
  });

  it('counts from the first day the state keeps: days the window dropped are left out of the seen item', () => {
    // Prepare
    const item = { '90': codes(0, 5), '100': codes(5, 5) };
    const seen = { '100': codes(5, 6) };

    // Act
    const plan = planSeen(seen, loadedWith(item, item), never);

    // Assess
    expect(plan).toEqual({ stored: { '100': codes(10, 1) }, from: 100 });
    expect(mergeSeen(plan.stored, item, plan.from)).toEqual(seen);
  });

  it('writes only fingerprints the loaded state had applied, in the state order', () => {
    // Act
    const kept = appliedOnly({ '100': codes(0, 4) }, { '100': codes(2, 1) + codes(0, 1) });

    // Assess
    expect(kept).toEqual({ '100': codes(0, 1) + codes(2, 1) });
  });
});
