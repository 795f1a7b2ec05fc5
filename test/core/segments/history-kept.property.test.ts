import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { type HistorySpec, historySpecs, recordHistory } from '../../../functions/core/segments/history.ts';

// recordHistory keeps the history given, the very object, when the input changes nothing in it; checked
// against the plain computation (every counter made again: counted, within its longest window, at most
// `keep`, in the specs' order), on histories in that form and out of it.

const T0 = Date.parse('2026-11-02T10:00:00Z');
const DAY = 86_400_000;
const ORDERS = { 'detail-type': ['Order Completed'] };
const VIEWS = { 'detail-type': ['Product Viewed'] };
const specs = historySpecs([
  { event: ORDERS, within: 'P3D', atLeast: 2 },
  { event: VIEWS, within: 'P1D', atMost: 1 },
]);
const [orders, views] = specs;

function plain(history: Record<string, number[]> | undefined, event: CustomerEvent | undefined, now: number) {
  const next: Record<string, number[]> = {};
  const at = event ? Math.floor(Date.parse(event.time) / 1000) : undefined;
  for (const spec of specs) {
    const times = [...(history?.[spec.key] ?? [])];
    if (at !== undefined && event && counts(spec, event)) {
      times.push(at);
      times.sort((a, b) => b - a);
    }
    const kept = times.filter((t) => t * 1000 > now - Math.max(...spec.windowsMs)).slice(0, spec.keep);
    if (kept.length > 0) next[spec.key] = kept;
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

function counts(spec: HistorySpec, event: CustomerEvent): boolean {
  return spec === orders
    ? event['detail-type'] === 'Order Completed'
    : event['detail-type'] === 'Product Viewed';
}

function event(type: string, at: number): CustomerEvent {
  return {
    version: '0',
    id: `e-${at}`,
    source: 'shop',
    'detail-type': type,
    time: new Date(at).toISOString(),
    resources: [],
    detail: { userId: 'u', properties: {} },
  };
}

const seconds = fc.integer({ min: (T0 - 4 * DAY) / 1000, max: T0 / 1000 });
const times = fc.array(seconds, { maxLength: 4 });
const orderKey = orders?.key ?? 'orders';
const viewKey = views?.key ?? 'views';
const history = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom(orderKey, viewKey, 'stale'), times, { maxKeys: 3 }),
  fc.tuple(times, times).map(([o, v]) => plain({ [orderKey]: o, [viewKey]: v }, undefined, T0)),
  fc.tuple(times, times).map(([o, v]) => ({ [viewKey]: v, [orderKey]: o })),
);
const input = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('Order Completed', 'Product Viewed', 'Signed Up').map((type) => event(type, T0 - 60_000)),
);

describe('recordHistory', () => {
  it('makes what the plain computation makes, and gives the history back when that is the same', () => {
    fc.assert(
      fc.property(history, input, fc.integer({ min: 0, max: 2 * DAY }), (given, e, later) => {
        // Prepare
        const copy = given && structuredClone(given);

        // Act
        const made = recordHistory(given, specs, e, T0 + later);

        // Assess
        const expected = plain(copy, e, T0 + later);
        expect(made).toEqual(expected);
        expect(JSON.stringify(made)).toBe(JSON.stringify(expected));
        expect(given).toEqual(copy);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the very history back for an event no counter counts, when all of it is kept', () => {
    // Prepare
    const given = plain(undefined, event('Order Completed', T0 - DAY), T0);

    // Act
    const made = recordHistory(given, specs, event('Signed Up', T0), T0);

    // Assess
    expect(made).toBe(given);
  });
});
