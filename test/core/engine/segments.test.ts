import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { loadSegmentSet } from '../../../functions/core/segments/load.ts';
import type { Segment } from '../../../functions/core/segments/schema.ts';
import { customerEvent, DAY, journeyFromYaml } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** Issue 13's "viewed this category 3 times in 7 days", as a branch on the shared history condition. */
const BROWSE = `
id: browse
name: Browse
status: active
entry: { reentry: always }
trigger: { event: { detail-type: [Product Viewed] } }
steps:
  - id: check
    type: branch
    branches:
      - name: keen
        when:
          history:
            event: { detail-type: [Product Viewed], detail: { properties: { category: [coffee] } } }
            within: P7D
            atLeast: 3
        next: keen
    default: casual
  - { id: keen, type: exit, reason: keen }
  - { id: casual, type: exit, reason: casual }
`;

/** A journey whose audience is a segment's members. */
const LOYAL = `
id: loyal
name: Loyal
status: active
trigger: { event: { detail-type: [Order Completed] } }
entry: { reentry: always }
audience: { segment: repeat }
steps:
  - { id: done, type: exit, reason: done }
`;

function segments(...texts: string[]): Segment[] {
  const { segments: loaded, problems } = loadSegmentSet(
    texts.map((text, i) => ({ file: `s${i}.yaml`, text })),
  );
  expect(problems).toEqual([]);
  return loaded.map((s) => s.segment);
}

function run(catalog: JourneyCatalog, events: CustomerEvent[]): { state: CustomerState; effects: Effect[] } {
  let state = newCustomerState('u1');
  const effects: Effect[] = [];
  for (const event of events) {
    const result = processInput(
      state,
      { kind: 'event', event },
      { now: Date.parse(event.time), catalog, defaultTimezone: 'UTC' },
    );
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

const exits = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'exited' ? [e.reason] : []));

describe('history and segment conditions in journeys', () => {
  it('branches on a count of matching events in a rolling window', () => {
    // Prepare: three coffee views in a week (a tea view between does not count), then a fourth 8 days later.
    const catalog = new JourneyCatalog([journeyFromYaml(BROWSE)]);
    const view = (category: string, at: number) => customerEvent('Product Viewed', 'u1', at, { category });
    const events = [
      view('coffee', T0),
      view('tea', T0 + DAY),
      view('coffee', T0 + 2 * DAY),
      view('coffee', T0 + 6 * DAY),
      view('coffee', T0 + 14 * DAY),
    ];

    // Act
    const { state, effects } = run(catalog, events);

    // Assess
    expect(exits(effects)).toEqual([
      'exit-step:casual',
      'exit-step:casual',
      'exit-step:casual',
      'exit-step:keen',
      'exit-step:casual',
    ]);
    // Only the coffee views still inside the window are kept.
    expect(Object.values(state.history ?? {})).toEqual([[(T0 + 14 * DAY) / 1000]]);
  });

  it('lets in only the members of an audience segment, with the membership the event itself made', () => {
    // Prepare: "repeat" is two orders in 30 days.
    const repeat =
      'id: repeat\nname: Repeat\nwhen:\n  history: { event: { detail-type: [Order Completed] }, within: P30D, atLeast: 2 }\n';
    const catalog = new JourneyCatalog([journeyFromYaml(LOYAL)], segments(repeat));
    const order = (at: number) => customerEvent('Order Completed', 'u1', at, { revenue: 5 });

    // Act
    const { state, effects } = run(catalog, [order(T0), order(T0 + DAY)]);

    // Assess
    const refused = effects.flatMap((e) => (e.type === 'not-enrolled' ? [e.reason] : []));
    expect(refused).toEqual(['audience']);
    expect(effects.filter((e) => e.type === 'enrolled')).toHaveLength(1);
    expect(effects.filter((e) => e.type === 'segment-changed')).toEqual([
      { at: T0 + DAY, userId: 'u1', type: 'segment-changed', segment: 'repeat', entered: true },
    ]);
    expect(state.segments).toEqual(['repeat']);
    expect(state.segmentTimer?.dueAt).toBe(T0 + 30 * DAY);
  });
});

describe('segment events', () => {
  it('leave the profile alone: leaving a segment on its timer does not make the customer seen', () => {
    // Prepare: one order puts u1 in "recent" (an order in 30 days); its timer fires 30 days later.
    const recent =
      'id: recent\nname: Recent\nwhen:\n  history: { event: { detail-type: [Order Completed] }, within: P30D, atLeast: 1 }\n';
    const catalog = new JourneyCatalog([], segments(recent));
    const { state } = run(catalog, [customerEvent('Order Completed', 'u1', T0, { revenue: 5 })]);
    const timer = state.segmentTimer;
    if (!timer) throw new Error('no segment timer');

    // Act
    const after = processInput(
      state,
      { kind: 'timer', timer: { ...timer, userId: 'u1', kind: 'segments' } },
      { now: timer.dueAt, catalog, defaultTimezone: 'UTC' },
    );

    // Assess
    expect(after.effects.filter((e) => e.type === 'segment-changed')).toEqual([
      { at: T0 + 30 * DAY, userId: 'u1', type: 'segment-changed', segment: 'recent', entered: false },
    ]);
    expect(after.state.segments).toBeUndefined();
    expect(after.state.profile.lastSeenAt).toBe(T0);
  });
});
