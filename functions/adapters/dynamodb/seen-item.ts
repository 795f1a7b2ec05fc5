import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as z from 'zod';
import { PRINT_CHARS } from '../../core/engine/seen.ts';
import { StoredSeen } from '../../core/engine/state.ts';

/**
 * The customer state's remembered inputs (`seen`, core/engine/seen.ts) stored in two parts, so that the state
 * item written on every input stays small (docs/data-model.md, "Duplicates at any delay"):
 *
 * - the **seen item** (`sk = STATE#SEEN`), written only now and then (a flush), holds the fingerprints the
 *   customer had applied by then;
 * - the **state item** holds the fingerprints applied since, and `sf`, the first day of the seen item it still
 *   counts (older days have left the event-time window). A state item without `sf` counts no seen item: it
 *   holds every fingerprint itself, as items written before the split do.
 *
 * The customer's `seen` is the seen item's days from `sf` on, each followed by the state item's fingerprints of
 * that day that it does not hold already. A flush writes the seen item with only fingerprints the store read
 * back as applied (the loaded state's), never the one being applied: if the state's own conditional write then
 * fails, the seen item holds nothing that was not applied, and the input is tried again as new.
 */
export type SeenDays = Readonly<Record<string, string>>;

/** The seen item's sort key: beside the state item's (`STATE`), so that one Query reads both. */
export const SEEN_SORT_KEY = 'STATE#SEEN';

/** The state item's attribute naming the first day of the seen item it counts. */
export const SEEN_FROM_ATTRIBUTE = 'sf';

/**
 * Fingerprints the state item may hold beyond the seen item before a save flushes them into it, whatever
 * their size: about 7 bytes each stored, so at most about 0.22 KB of the state item. With FLUSH_MIN_PRINTS,
 * chosen by `npm run bench -- cost` (docs/deploy.md): 32 and 8 wrote 6,665 units where 64 and 16 wrote 6,727
 * and 16 and 4 wrote 6,789, for the same 2,721 events.
 */
export const FLUSH_AT_PRINTS = 32;

/** What one fingerprint adds to the stored state, about: 54 random bits, deflated (docs/data-model.md). */
export const STORED_PRINT_BYTES = 7;

/**
 * Fewer fingerprints than this are never flushed, even when they take the state item over a write unit: a
 * flush writes the seen item (up to 2 KB, 2 units, at 90 days of a busy customer), which only pays when the
 * state's writes after it save a unit each for as many inputs.
 */
export const FLUSH_MIN_PRINTS = 8;

const SEEN_FORMAT = 1;

function prints(text: string | undefined): string[] {
  const all: string[] = [];
  if (text === undefined) return all;
  for (let at = 0; at < text.length; at += PRINT_CHARS) all.push(text.slice(at, at + PRINT_CHARS));
  return all;
}

/** The customer's seen: the seen item's days from `from` on, with the state item's fingerprints after each. */
export function mergeSeen(
  stored: SeenDays | undefined,
  seenItem: SeenDays | undefined,
  from: number | undefined,
): SeenDays | undefined {
  if (from === undefined || seenItem === undefined) return stored;
  const merged: Record<string, string> = {};
  const days = new Set([
    ...Object.keys(seenItem).filter((day) => Number(day) >= from),
    ...Object.keys(stored ?? {}),
  ]);
  for (const day of [...days].sort((a, b) => Number(a) - Number(b))) {
    const base = Number(day) >= from ? (seenItem[day] ?? '') : '';
    const held = new Set(prints(base));
    const added = prints(stored?.[day]).filter((print) => !held.has(print));
    if (base.length + added.length > 0) merged[day] = base + added.join('');
  }
  return merged;
}

/**
 * What the state item holds when it counts the seen item from `from` on: the fingerprints of `seen` beyond the
 * seen item's. Undefined when `seen` does not begin, day by day, with the seen item's days it would count (the
 * engine forgot some of them: more than SEEN_MAX), so the state item must hold all of `seen` and count none.
 */
export function beyondSeenItem(
  seen: SeenDays | undefined,
  seenItem: SeenDays,
  from: number,
): Record<string, string> | undefined {
  const beyond: Record<string, string> = {};
  for (const [day, base] of Object.entries(seenItem)) {
    if (Number(day) < from) continue;
    if (!seen?.[day]?.startsWith(base)) return undefined;
  }
  for (const [day, text] of Object.entries(seen ?? {})) {
    const rest = text.slice(seenItem[day]?.length ?? 0);
    if (rest.length > 0) beyond[day] = rest;
  }
  return beyond;
}

/** Fingerprints of `seen` that `applied` holds too, in `seen`'s order: what a flush may write. */
export function appliedOnly(
  seen: SeenDays | undefined,
  applied: SeenDays | undefined,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [day, text] of Object.entries(seen ?? {})) {
    const known = new Set(prints(applied?.[day]));
    const both = prints(text).filter((print) => known.has(print));
    if (both.length > 0) kept[day] = both.join('');
  }
  return kept;
}

/** How many fingerprints a seen map holds. */
export function printCount(seen: SeenDays | undefined): number {
  let count = 0;
  for (const text of Object.values(seen ?? {})) count += text.length / PRINT_CHARS;
  return count;
}

/** The first day a seen map holds, or undefined when it is empty. */
export function firstDay(seen: SeenDays): number | undefined {
  const days = Object.keys(seen).map(Number);
  return days.length === 0 ? undefined : Math.min(...days);
}

/** The seen item's stored value: a format byte, then the map's JSON, raw-deflated. */
export function encodeSeen(seen: SeenDays): Uint8Array {
  const body = deflateRawSync(Buffer.from(JSON.stringify(seen), 'utf8'), { level: 9 });
  return Buffer.concat([Buffer.from([SEEN_FORMAT]), body]);
}

export function decodeSeen(bytes: Uint8Array): SeenDays {
  if (bytes[0] !== SEEN_FORMAT) throw new Error(`stored seen item has unknown format ${String(bytes[0])}`);
  const value: unknown = JSON.parse(inflateRawSync(bytes.subarray(1)).toString('utf8'));
  return StoredSeen.parse(value);
}

/** The seen item as lib-dynamodb returns it. */
export const SeenItem = z.lazy(() =>
  z.object({ v: z.number().int().positive(), s: z.instanceof(Uint8Array) }),
);

/** What a load read of a customer's seen item, and the seen it gave the state, kept by the store until the save. */
export type SeenAsLoaded = {
  item: SeenDays | undefined;
  version: number | undefined;
  applied: SeenDays | undefined;
};

/**
 * How a save stores `seen`: what the state item holds (`stored`) and the first day of the seen item it counts
 * (`from`; none: it holds every fingerprint); with `flush`, the seen item to write first, over the version read.
 */
export type SeenPlan = {
  stored: SeenDays | undefined;
  from: number | undefined;
  flush?: { seen: SeenDays; expectedVersion: number | undefined };
};

/**
 * The plan for saving a state whose seen is `seen`, loaded as `loaded` (undefined: not loaded by this store,
 * so the state item holds all of it). The state item keeps the fingerprints beyond the seen item until they
 * FLUSH_AT_PRINTS, or at least FLUSH_MIN_PRINTS that cost the state item a write unit (`costUnit`); then the
 * applied ones are flushed into the seen item and the state item keeps the rest.
 */
export function planSeen(
  seen: SeenDays | undefined,
  loaded: SeenAsLoaded | undefined,
  costUnit: (kept: SeenPlan, prints: number) => boolean,
): SeenPlan {
  const whole: SeenPlan = { stored: seen, from: undefined };
  const from = seen === undefined ? undefined : firstDay(seen);
  if (loaded === undefined || from === undefined) return whole;
  const beyond = beyondSeenItem(seen, loaded.item ?? {}, from);
  if (beyond !== undefined) {
    const count = printCount(beyond);
    const kept: SeenPlan = loaded.item === undefined ? whole : { stored: beyond, from };
    if (count < FLUSH_MIN_PRINTS || (count < FLUSH_AT_PRINTS && !costUnit(kept, count))) return kept;
  }
  const flushed = appliedOnly(seen, loaded.applied);
  const rest = beyondSeenItem(seen, flushed, from);
  if (printCount(flushed) === 0 || rest === undefined) return whole;
  return { stored: rest, from, flush: { seen: flushed, expectedVersion: loaded.version } };
}
