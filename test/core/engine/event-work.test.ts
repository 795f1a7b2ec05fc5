import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';

// The date planning at the end of an input is skipped when the input kept what the schedules were planned
// from (the `dates`, the traits object, the zone and the catalog): these are the changes that must plan again
// though the event repeats the customer's traits.

const renewal = (at: string) => `
id: renewal
name: Renewal reminder
status: active
trigger: { date: { attribute: traits.renewalDate, recurrence: once, offset: -P7D, at: "${at}" } }
steps:
  - { id: remind, type: send, channel: email, template: renewal }
`;

const T0 = Date.parse('2027-03-01T12:00:00Z');
const TRAITS = { email: 'ana@example.com', renewalDate: '2027-03-20' };

function identify(at: number, timezone?: string): CustomerEvent {
  const event = customerEvent('Identify', 'ana', at, {}, { traits: { ...TRAITS } });
  return timezone ? { ...event, detail: { ...event.detail, context: { timezone } } } : event;
}

function apply(state: CustomerState, event: CustomerEvent, catalog: JourneyCatalog) {
  return processInput(
    state,
    { kind: 'event', event },
    { now: Date.parse(event.time), catalog, defaultTimezone: 'Europe/London' },
  );
}

const timers = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.type === 'timer-scheduled' ? [e.timer.dueAt] : []));

describe('date planning at the end of an event', () => {
  it('plans nothing for an event that repeats the traits, with the same catalog and zone', () => {
    // Prepare
    const catalog = new JourneyCatalog([journeyFromYaml(renewal('10:00'))]);
    const first = apply(newCustomerState('ana'), identify(T0), catalog);

    // Act
    const again = apply(first.state, identify(T0 + 60_000), catalog);

    // Assess: the profile kept its traits object, and the schedules are the very ones planned.
    expect(timers(first.effects)).toEqual([Date.parse('2027-03-13T10:00:00Z')]);
    expect(timers(again.effects)).toEqual([]);
    expect(again.state.profile.traits).toBe(first.state.profile.traits);
    expect(again.state.dates).toBe(first.state.dates);
  });

  it('plans again when the catalog got a new version of the journey, the traits repeated', () => {
    // Prepare
    const catalog = new JourneyCatalog([journeyFromYaml(renewal('10:00'))]);
    const first = apply(newCustomerState('ana'), identify(T0), catalog);
    catalog.add(journeyFromYaml(renewal('09:00')));

    // Act
    const after = apply(first.state, identify(T0 + 60_000), catalog);

    // Assess
    expect(timers(after.effects)).toEqual([Date.parse('2027-03-13T09:00:00Z')]);
  });

  it('plans again when the zone changed, the traits repeated', () => {
    // Prepare: London is on GMT on 13 March 2027, New York still on EST (UTC-5: its DST starts on 14 March).
    const catalog = new JourneyCatalog([journeyFromYaml(renewal('10:00'))]);
    const first = apply(newCustomerState('ana'), identify(T0, 'Europe/London'), catalog);

    // Act
    const moved = apply(first.state, identify(T0 + 60_000, 'America/New_York'), catalog);

    // Assess
    expect(timers(first.effects)).toEqual([Date.parse('2027-03-13T10:00:00Z')]);
    expect(timers(moved.effects)).toEqual([Date.parse('2027-03-13T15:00:00Z')]);
  });
});
