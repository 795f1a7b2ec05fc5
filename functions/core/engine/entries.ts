import type { Journey } from '../journeys/schema.ts';
import { durationMs } from '../time/duration.ts';
import type { JourneyCatalog } from './catalog.ts';
import type { EntryRecord } from './state.ts';

/**
 * How many dedupe values of one journey a customer's state remembers: the most recent. With `dedupeBy`, every
 * value (every cart, say) leaves an entry record, and a customer's state is read and written whole on every
 * event, billed by the kilobyte and limited to 400 KB. Fifty records of one journey are about 3.5 KB; an older
 * value than the fiftieth most recent counts as new again (docs/journeys.md, "entry").
 */
export const ENTRY_MEMORY = 50;

/**
 * Whether a record can still refuse an entry under these rules at `now`, which is all the engine keeps it for:
 * `never` and `maxEntries` read it for ever, `always` never, a duration until it has passed.
 */
export function entryCanRefuse(rules: Journey['entry'], record: EntryRecord, now: number): boolean {
  if (rules.reentry === 'never' || rules.maxEntries !== undefined) return true;
  if (rules.reentry === 'always') return false;
  return now - record.lastAt < durationMs(rules.reentry);
}

/**
 * Drops from `entries` (a copy the engine owns) the records the journeys' entry rules can no longer use, and,
 * per journey, all but the ENTRY_MEMORY most recent. A journey the catalog does not know keeps its records
 * (it may be shipped again), within the same bound. The engine calls it when it adds a record.
 */
export function forgetEntries(
  entries: Record<string, EntryRecord>,
  catalog: JourneyCatalog,
  now: number,
): void {
  let kept = 0;
  for (const key in entries) {
    const record = entries[key];
    const rules = catalog.latestOf(journeyIdOf(key))?.journey.entry;
    if (record && rules && !entryCanRefuse(rules, record, now)) delete entries[key];
    else kept++;
  }
  if (kept > ENTRY_MEMORY) keepMostRecent(entries);
}

function journeyIdOf(entryKey: string): string {
  return entryKey.slice(0, entryKey.indexOf('|'));
}

function keepMostRecent(entries: Record<string, EntryRecord>): void {
  const byJourney = new Map<string, [string, EntryRecord][]>();
  for (const [key, record] of Object.entries(entries)) {
    const journeyId = journeyIdOf(key);
    const records = byJourney.get(journeyId);
    if (records) records.push([key, record]);
    else byJourney.set(journeyId, [[key, record]]);
  }
  for (const records of byJourney.values()) {
    if (records.length <= ENTRY_MEMORY) continue;
    records.sort(([a, ra], [b, rb]) => rb.lastAt - ra.lastAt || (a < b ? -1 : a > b ? 1 : 0));
    for (const [key] of records.slice(ENTRY_MEMORY)) delete entries[key];
  }
}
