import { stableJson } from '../collections/stable-json.ts';
import { shortHash } from '../engine/bucket.ts';
import type { CustomerEvent } from '../events/index.ts';
import { HistoryCondition } from '../journeys/schema-parts.ts';
import { type CompiledPattern, compilePattern, matchesPattern } from '../patterns/index.ts';
import { durationMs } from '../time/duration.ts';
import { parseInstant } from '../time/instant.ts';

/**
 * Event-history counters: "did EVENT at least/at most N times in the last D days". The state keeps, per
 * counted pattern, the times of the latest matching events (to the second), newest first: at most as many as
 * the largest count any condition on that pattern needs (atLeast N needs N, atMost N needs N + 1), and only
 * while the longest window on that pattern still covers them. So a counter costs at most 50 numbers of 10
 * digits plus its 8-character key in every write of the state, and usually a handful.
 *
 * Keeping the latest times (not per-day buckets) makes a count exact at any instant, in any order of arrival:
 * the kept times are the top of the multiset of event times, which does not depend on the order, and a window
 * ends exactly when its oldest counted event is `within` old, which is when the segment timer fires.
 */
export type History = Readonly<Record<string, readonly number[]>>;

/** One counted pattern: what it matches, how many times to keep, and the windows conditions count it in. */
export type HistorySpec = {
  key: string;
  pattern: CompiledPattern;
  keep: number;
  windowsMs: number[];
};

/** A history condition ready to check: its counter's key, its window and bounds. */
export type CompiledHistory = { key: string; windowMs: number; atLeast?: number; atMost?: number };

/** The counter key of a pattern: the same pattern written in any key order shares one counter. */
export function historyKey(pattern: unknown): string {
  return shortHash(stableJson(pattern)).slice(0, 8);
}

export function compileHistory(condition: HistoryCondition): CompiledHistory {
  return {
    key: historyKey(condition.event),
    windowMs: durationMs(condition.within),
    ...(condition.atLeast !== undefined ? { atLeast: condition.atLeast } : {}),
    ...(condition.atMost !== undefined ? { atMost: condition.atMost } : {}),
  };
}

/** How many matching events the counter saw in the `windowMs` before `now` (capped at what it keeps). */
export function countWithin(
  history: History | undefined,
  key: string,
  windowMs: number,
  now: number,
): number {
  const times = history?.[key];
  if (!times) return 0;
  let count = 0;
  for (const t of times) if (t * 1000 > now - windowMs) count++;
  return count;
}

export function historyHolds(condition: CompiledHistory, history: History | undefined, now: number): boolean {
  const count = countWithin(history, condition.key, condition.windowMs, now);
  if (condition.atLeast !== undefined && count < condition.atLeast) return false;
  if (condition.atMost !== undefined && count > condition.atMost) return false;
  return true;
}

/**
 * The history conditions written anywhere in a document (a journey, a segment): every `history` member that
 * is one. The catalog compiles the counters from them, whatever step kind or part holds the condition.
 */
export function historyConditionsIn(value: unknown): HistoryCondition[] {
  const found: HistoryCondition[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, member] of Object.entries(node)) {
      if (key === 'history') {
        const parsed = HistoryCondition.safeParse(member);
        if (parsed.success) found.push(parsed.data);
      }
      visit(member);
    }
  };
  visit(value);
  return found;
}

/** The counters the conditions need, one per pattern, with the largest count and every window on it. */
export function historySpecs(conditions: readonly HistoryCondition[]): HistorySpec[] {
  const byKey = new Map<string, HistorySpec>();
  for (const condition of conditions) {
    const { key, windowMs, atLeast, atMost } = compileHistory(condition);
    const keep = Math.max(atLeast ?? 0, atMost === undefined ? 0 : atMost + 1, 1);
    const known = byKey.get(key);
    if (known) {
      known.keep = Math.max(known.keep, keep);
      if (!known.windowsMs.includes(windowMs)) known.windowsMs.push(windowMs);
      continue;
    }
    const compiled = compilePattern(condition.event);
    if (!compiled.ok) throw new Error(`history pattern ${JSON.stringify(condition.event)} is invalid`);
    byKey.set(key, { key, pattern: compiled.pattern, keep, windowsMs: [windowMs] });
  }
  return [...byKey.values()];
}

/**
 * Counts one customer event in every counter whose pattern it matches, and drops what no window covers any
 * more at `now` and the counters no condition uses. Returns the new history (undefined when empty).
 */
export function recordHistory(
  history: Record<string, number[]> | undefined,
  specs: readonly HistorySpec[],
  event: CustomerEvent | undefined,
  now: number,
): Record<string, number[]> | undefined {
  let next: Record<string, number[]> | undefined;
  const at = event ? Math.floor(parseInstant(event.time) / 1000) : undefined;
  const givenKeys = history ? Object.keys(history) : NO_KEYS;
  let counters = 0;
  let unchanged = history !== undefined;
  for (const spec of specs) {
    const given = history?.[spec.key];
    const counted = at !== undefined && event !== undefined && matchesPattern(spec.pattern, event);
    // No counter and nothing to count: a recount would make an empty one, which is left out. Most customers
    // have no counter for most specs, and most events count in none: four arrays per spec and event spared.
    if (given === undefined && !counted) continue;
    const times =
      counted || given === undefined ? recount(given, spec, counted ? at : undefined, now) : given;
    const kept = times === given ? keptAsIs(given, spec, now) : times;
    if (kept.length === 0) continue;
    unchanged &&= kept === given && givenKeys[counters] === spec.key;
    next ??= {};
    next[spec.key] = kept;
    counters++;
  }
  // Nothing counted, nothing left a window, no counter dropped, the same order: the history given is the one.
  if (unchanged && history !== undefined && counters > 0 && counters === givenKeys.length) return history;
  return next;
}

const NO_KEYS: readonly string[] = [];

/** The times of one counter with `at` counted (latest first), within its longest window, at most `keep`. */
function recount(
  given: readonly number[] | undefined,
  spec: HistorySpec,
  at: number | undefined,
  now: number,
): number[] {
  const times = [...(given ?? [])];
  if (at !== undefined) {
    times.push(at);
    times.sort((a, b) => b - a);
  }
  const longest = Math.max(...spec.windowsMs);
  return times.filter((t) => t * 1000 > now - longest).slice(0, spec.keep);
}

/** A counter given nothing new: the very list when all of it is kept, else what recount keeps of it. */
function keptAsIs(given: number[], spec: HistorySpec, now: number): number[] {
  if (given.length > spec.keep) return recount(given, spec, undefined, now);
  const from = now - Math.max(...spec.windowsMs);
  for (const t of given) if (!(t * 1000 > from)) return recount(given, spec, undefined, now);
  return given;
}

/**
 * The instants time alone turns these conditions from holding to not or back: a count falls below `atLeast`
 * N when the N-th newest counted event leaves the window, and to `atMost` M when the (M + 1)-th newest does.
 * Other events leaving the window change no condition, so they wake nobody up.
 */
export function historyBoundaries(
  history: History | undefined,
  conditions: readonly CompiledHistory[],
): number[] {
  const at: number[] = [];
  for (const { key, windowMs, atLeast, atMost } of conditions) {
    const times = history?.[key] ?? [];
    for (const index of [atLeast === undefined ? undefined : atLeast - 1, atMost]) {
      const t = index === undefined ? undefined : times[index];
      if (t !== undefined) at.push(t * 1000 + windowMs);
    }
  }
  return at;
}
