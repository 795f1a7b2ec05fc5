import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState, type Timer } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { loadLifecycleConfig } from '../../../functions/core/lifecycle/lifecycle-file.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { Population } from '../../../functions/core/lifecycle/population.ts';
import { batchMembers } from '../../../functions/core/segments/batch.ts';
import { loadSegmentSet } from '../../../functions/core/segments/load.ts';

// Incremental membership (the engine after each input, with its segment and lifecycle timers) and batch
// membership (`cairn segments`: the events folded in any order, evaluated as of a time) must agree.

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

const SEGMENTS = [
  [
    'id: frequent',
    'name: F',
    'when:',
    '  history: { event: { detail-type: [Order Completed] }, within: P10D, atLeast: 2 }',
  ],
  [
    'id: browsing-quietly',
    'name: B',
    'when:',
    '  history: { event: { detail-type: [Product Viewed] }, within: P3D, atMost: 1 }',
    'exclude: [frequent]',
  ],
  ['id: lately', 'name: L', 'when:', '  profile: { daysSinceLastOrder: [{ numeric: ["<", 5] }] }'],
  ['id: either', 'name: E', 'include: [frequent, lately]'],
  ['id: big-spenders', 'name: S', 'when:', '  profile: { revenue30d: [{ numeric: [">=", 100] }] }'],
].map((lines, i) => ({ file: `s${i}.yaml`, text: `${lines.join('\n')}\n` }));

async function setup() {
  const { segments, problems } = loadSegmentSet(SEGMENTS);
  expect(problems).toEqual([]);
  const text = await readFile('journeys/lifecycle.yaml', 'utf8');
  const { config } = loadLifecycleConfig('journeys/lifecycle.yaml', text);
  if (!config) throw new Error('journeys/lifecycle.yaml does not load');
  return {
    catalog: new JourneyCatalog(
      [],
      segments.map((s) => s.segment),
    ),
    lifecycle: compileLifecycle(config),
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;

function event(n: number, type: string, at: number, revenue: number): CustomerEvent {
  return {
    version: '0',
    id: `e${n}`,
    source: 'shop',
    'detail-type': type,
    time: new Date(at).toISOString(),
    resources: [],
    detail: { userId: 'u', properties: type === 'Order Completed' ? { revenue } : {} },
  };
}

/** The engine as the runtime drives it: each due timer fires at its time, before the next event. */
function incremental({ catalog, lifecycle }: Setup, events: CustomerEvent[], until: number): CustomerState {
  let state = newCustomerState('u');
  const timers: Timer[] = [];
  const apply = (input: Parameters<typeof processInput>[1], now: number) => {
    const result = processInput(state, input, { now, catalog, defaultTimezone: 'UTC', lifecycle });
    state = result.state;
    for (const effect of result.effects) if (effect.type === 'timer-scheduled') timers.push(effect.timer);
  };
  const fireUntil = (at: number) => {
    for (;;) {
      timers.sort((a, b) => a.dueAt - b.dueAt);
      const next = timers[0];
      if (!next || next.dueAt > at) return;
      timers.shift();
      apply({ kind: 'timer', timer: next }, next.dueAt);
    }
  };
  for (const e of events) {
    fireUntil(Date.parse(e.time));
    apply({ kind: 'event', event: e }, Date.parse(e.time));
  }
  fireUntil(until);
  return state;
}

function batch({ catalog, lifecycle }: Setup, events: CustomerEvent[], at: number): string[] {
  const population = new Population(lifecycle, 'UTC', catalog);
  for (const e of events) population.add(e);
  const ids = catalog.segmentDefinitions.map((s) => s.id);
  return ids
    .filter((id) => batchMembers(population.customers(), catalog.segments, id, at, lifecycle).length > 0)
    .sort();
}

describe('segment membership', () => {
  it('is the same incrementally after any event sequence as in batch at the same time', async () => {
    const configured = await setup();
    const anEvent = fc.record({
      minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
      type: fc.constantFrom('Order Completed', 'Product Viewed', 'Signed Up'),
      revenue: fc.integer({ min: 1, max: 80 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(anEvent, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 30 * 24 * 60 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (drawn, laterMinutes, shuffleKeys) => {
          // Prepare: the events in time order for the engine, and in a shuffled order for the batch.
          const events = drawn
            .map((d, n) => event(n, d.type, T0 + d.minute * 60_000, d.revenue))
            .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
          const lastAt = Date.parse(events.at(-1)?.time ?? '');
          const until = lastAt + laterMinutes * 60_000;
          const shuffled = events
            .map((e, i) => ({ e, key: shuffleKeys[i] ?? i }))
            .sort((a, b) => a.key - b.key)
            .map(({ e }) => e);

          // Act
          const state = incremental(configured, events, until);
          const batchAtUntil = batch(configured, shuffled, until);

          // Assess
          expect(state.segments ?? []).toEqual(batchAtUntil);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('leaves a recency segment when its window ends, by its timer, with no event', async () => {
    // Prepare: two orders a day apart put the customer in "frequent" (2 orders in 10 days).
    const configured = await setup();
    const events = [event(1, 'Order Completed', T0, 10), event(2, 'Order Completed', T0 + DAY, 10)];

    // Act
    const inside = incremental(configured, events, T0 + 10 * DAY - 1000);
    const after = incremental(configured, events, T0 + 10 * DAY);

    // Assess
    expect(inside.segments).toContain('frequent');
    expect(after.segments ?? []).not.toContain('frequent');
    expect(after.segmentTimer?.dueAt).toBeGreaterThan(T0 + 10 * DAY);
  });
});
