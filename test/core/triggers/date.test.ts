import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { type EngineInput, processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState, type Timer } from '../../../functions/core/engine/state.ts';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';

// The date trigger in the engine: one timer per customer and date journey, in the state; reasons for dates
// that cannot be used; stale timers ignored; entries keyed by occurrence.

const RENEWAL = `
id: renewal
name: Renewal reminder
status: active
trigger: { date: { attribute: traits.renewalDate, recurrence: once, offset: -P7D, at: "10:00", ifPast: run } }
steps:
  - { id: remind, type: send, channel: email, template: renewal }
`;

const T0 = Date.parse('2027-03-01T12:00:00Z');
const catalogOf = (yaml: string) => new JourneyCatalog([journeyFromYaml(yaml)]);

function run(state: CustomerState, input: EngineInput, now: number, catalog = catalogOf(RENEWAL)) {
  return processInput(state, input, { now, catalog, defaultTimezone: 'Europe/London' });
}

const traits = (userId: string, at: number, values: Record<string, string>) =>
  ({ kind: 'event', event: customerEvent('Identify', userId, at, {}, { traits: values }) }) as const;

function timerOf(effects: readonly Effect[]): Timer {
  const scheduled = effects.find((e) => e.type === 'timer-scheduled');
  if (scheduled?.type !== 'timer-scheduled') throw new Error('no timer scheduled');
  return scheduled.timer;
}

const iso = (ms: number) => new Date(ms).toISOString();

const summary = (effects: readonly Effect[]) =>
  effects.flatMap((e) => {
    if (e.type === 'timer-scheduled') return [`timer ${e.timer.id}`];
    if (e.type === 'not-enrolled') return [`not-enrolled ${e.reason}`];
    if (e.type === 'enrolled') return [`enrolled ${e.key}`];
    if (e.type === 'send') return [`send ${e.intent.template}`];
    if (e.type === 'ignored') return [`ignored ${e.reason}`];
    return [];
  });

describe('date trigger in the engine', () => {
  it('names a missing or malformed date as the reason, once per change, and schedules nothing', () => {
    // Prepare
    const state = newCustomerState('ana');

    // Act
    const missing = run(state, traits('ana', T0, { email: 'ana@example.com' }), T0);
    const again = run(missing.state, traits('ana', T0 + 1, { email: 'ana@example.com' }), T0 + 1);
    const malformed = run(again.state, traits('ana', T0 + 2, { renewalDate: '2027-02-30' }), T0 + 2);
    const format = run(malformed.state, traits('ana', T0 + 3, { renewalDate: '03/20/2027' }), T0 + 3);

    // Assess
    expect(summary(missing.effects)).toEqual(['not-enrolled date-missing']);
    expect(summary(again.effects)).toEqual([]);
    expect(summary(malformed.effects)).toEqual(['not-enrolled date-invalid']);
    expect(summary(format.effects)).toEqual(['not-enrolled date-invalid']);
    expect(format.state.dates?.renewal?.timer).toBeUndefined();
  });

  it('schedules one timer at 10:00 local 7 days before, keeps it when the date is re-sent, and enters once', () => {
    // Prepare: London is on GMT on 13 March 2027.
    const state = newCustomerState('ana');
    const dueAt = Date.parse('2027-03-13T10:00:00Z');

    // Act
    const first = run(state, traits('ana', T0, { renewalDate: '2027-03-20' }), T0);
    const resent = run(first.state, traits('ana', T0 + 1, { renewalDate: '2027-03-20T00:00:00Z' }), T0 + 1);
    const timer = timerOf(first.effects);
    const fired = run(resent.state, { kind: 'timer', timer }, dueAt);
    const firedAgain = run(fired.state, { kind: 'timer', timer }, dueAt + 1);

    // Assess
    expect(summary(first.effects)).toEqual([`timer date:renewal:ana:2027-03-20:${dueAt}`]);
    expect(summary(resent.effects)).toEqual([]);
    expect(summary(fired.effects)).toEqual(['enrolled 2027-03-20', 'send renewal']);
    expect(summary(firedAgain.effects)).toEqual(['ignored duplicate-input']);
  });

  it('ignores the timer of a date that changed since, and sets one for the new date', () => {
    // Prepare
    const first = run(newCustomerState('ana'), traits('ana', T0, { renewalDate: '2027-03-20' }), T0);
    const old = timerOf(first.effects);

    // Act
    const changed = run(first.state, traits('ana', T0 + 1, { renewalDate: '2027-04-20' }), T0 + 1);
    const stale = run(changed.state, { kind: 'timer', timer: old }, old.dueAt);

    // Assess: 13 April 2027 is in BST (UTC+1) in London.
    expect(summary(changed.effects)).toEqual([
      `timer date:renewal:ana:2027-04-20:${Date.parse('2027-04-13T09:00:00Z')}`,
    ]);
    expect(summary(stale.effects)).toEqual(['ignored stale-timer']);
  });

  it('runs a passed reminder now with ifPast: run, while the renewal date itself has not gone by', () => {
    // Prepare: the renewal is in 3 days, so its reminder (7 days before) has passed.
    const now = Date.parse('2027-03-17T12:00:00Z');

    // Act
    const result = run(newCustomerState('ana'), traits('ana', now, { renewalDate: '2027-03-20' }), now);

    // Assess
    expect(summary(result.effects)).toEqual([`timer date:renewal:ana:2027-03-20:${now}`]);
  });

  it('does not enter a date journey from an event that looks like its date event', () => {
    // Prepare
    const forged = customerEvent(
      'Date Reached',
      'ana',
      T0,
      { journeyId: 'renewal', occurrence: '2027-03-20' },
      {
        source: 'cairn.calendar',
      },
    );

    // Act
    const result = run(newCustomerState('ana'), { kind: 'event', event: forged }, T0);

    // Assess
    expect(summary(result.effects)).toEqual(['not-enrolled date-missing']);
  });
  it('at a DST gap, enters an hour later on the same local day; a monthly 31st on the last day of shorter months', () => {
    // Prepare: New York skips 02:00-03:00 on 14 March 2027, so 02:30 that day is 03:30 EDT (07:30 UTC).
    const catalog = catalogOf(`
id: anniversary
name: Anniversary
status: active
trigger: { date: { attribute: traits.since, recurrence: monthly, at: "02:30" } }
steps:
  - { id: hello, type: send, channel: email, template: hello }
`);
    const at = Date.parse('2027-03-01T00:00:00Z');
    const identify = traits('ana', at, { timezone: 'America/New_York', since: '2020-01-14' });
    const late = traits('ben', at + 1, { timezone: 'America/New_York', since: '2019-05-31' });

    // Act
    const gap = run(newCustomerState('ana'), identify, at, catalog);
    const lastDay = run(newCustomerState('ben'), late, at + 1, catalog);
    const april = run(
      lastDay.state,
      { kind: 'timer', timer: timerOf(lastDay.effects) },
      timerOf(lastDay.effects).dueAt,
      catalog,
    );

    // Assess: 31 March 02:30 EDT is 06:30 UTC; 30 April 02:30 EDT is 06:30 UTC.
    expect(iso(timerOf(gap.effects).dueAt)).toBe('2027-03-14T07:30:00.000Z');
    expect(iso(timerOf(lastDay.effects).dueAt)).toBe('2027-03-31T06:30:00.000Z');
    expect(iso(timerOf(april.effects).dueAt)).toBe('2027-04-30T06:30:00.000Z');
  });
});
