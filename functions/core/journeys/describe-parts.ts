import type { Condition, EventCondition, HistoryCondition } from './schema-parts.ts';

/**
 * Phrases that the account of a journey (describe.ts, printed by `cairn validate`) uses both for the journey
 * and for its steps (each step kind's `describe` in functions/core/steps/).
 */

export function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  if (condition.stages) parts.push(`stage in ${condition.stages.join('|')}`);
  if (condition.profile) parts.push(`profile ${JSON.stringify(condition.profile)}`);
  if (condition.trigger) parts.push(`trigger ${JSON.stringify(condition.trigger)}`);
  if (condition.engagement) parts.push(`${condition.engagement.step} ${condition.engagement.is}`);
  if (condition.segment) parts.push(`in segment ${condition.segment}`);
  if (condition.history) parts.push(describeHistory(condition.history));
  if (condition.saved) parts.push(`saved ${JSON.stringify(condition.saved)}`);
  return parts.join(' and ');
}

export function describeHistory(history: HistoryCondition): string {
  const bounds = [
    ...(history.atLeast !== undefined ? [`at least ${history.atLeast}`] : []),
    ...(history.atMost !== undefined ? [`at most ${history.atMost}`] : []),
  ];
  return `${JSON.stringify(history.event)} ${bounds.join(' and ')} time(s) within ${history.within}`;
}

export function describeEvent(condition: EventCondition): string {
  const correlate = condition.correlate ? ` with the same ${condition.correlate.join(', ')}` : '';
  return `${JSON.stringify(condition.pattern)}${correlate}`;
}

/**
 * Who may enter again and how often: `once`, `again after P30D, at most 3 times`, `once, per
 * detail.properties.cartId`. A date trigger without dedupeBy is once per occurrence. `duration` words a
 * duration (as written, unless given).
 */
export function describeEntry(
  entry: { reentry: string; maxEntries?: number | undefined; dedupeBy?: string | undefined },
  dated: boolean,
  duration: (text: string) => string = (text) => text,
): string {
  const { reentry, maxEntries, dedupeBy } = entry;
  const rule =
    reentry === 'never'
      ? 'once'
      : reentry === 'always'
        ? 'again whenever not enrolled'
        : `again after ${duration(reentry)}`;
  return `${rule}${dated && !dedupeBy ? ' per occurrence' : ''}${maxEntries ? `, at most ${maxEntries} times` : ''}${dedupeBy ? `, per ${dedupeBy}` : ''}`;
}

/** Where a step goes next; without a next step the enrollment ends there. */
export function describeNext(next: string | undefined): string {
  return next ? ` -> ${next}` : ' -> (end)';
}

/**
 * An event condition in a few words, for diagrams: its detail-type names, and the other fields it tests by their
 * last name (`Product Added, cartId exists`; `Segment Entered, segment = frequent-buyers`). The source is left
 * out: the names say what the event is.
 */
export function eventInWords(condition: EventCondition): string {
  const { 'detail-type': names, source: _source, ...rest } = condition.pattern;
  const named = Array.isArray(names) && names.every((n) => typeof n === 'string') ? names.join(' or ') : '';
  const tests = fieldTests(rest, undefined);
  const correlate = condition.correlate
    ? [`same ${condition.correlate.map((path) => path.split('.').at(-1)).join(', ')}`]
    : [];
  const parts = [named, ...tests, ...correlate].filter((part) => part !== '');
  return parts.length === 0 ? 'any event' : parts.join(', ');
}

/** The leaf tests of an event pattern, each named by its field's last name. */
function fieldTests(pattern: unknown, name: string | undefined): string[] {
  if (Array.isArray(pattern)) {
    const field = name ?? 'event';
    if (pattern.every((value) => typeof value === 'string' || typeof value === 'number'))
      return [`${field} = ${pattern.join(' or ')}`];
    if (pattern.length === 1 && JSON.stringify(pattern[0]) === '{"exists":true}') return [`${field} exists`];
    return [`${field} ${JSON.stringify(pattern.length === 1 ? pattern[0] : pattern)}`];
  }
  if (typeof pattern === 'object' && pattern !== null)
    return Object.entries(pattern).flatMap(([key, value]) => fieldTests(value, key));
  return [];
}
