import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { loadJourneyFile } from '../../../functions/core/journeys/load.ts';
import { describeStep, Step } from '../../../functions/core/steps/index.ts';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';

// The calendar forms of wait.until: an instant, and a date from the profile or the trigger event with an
// offset, a local time and allowed weekdays. A date that is missing or no date ends the enrollment with it.

const T0 = Date.parse('2027-03-01T12:00:00Z');

function journeyWaiting(until: string): string {
  return `id: j
name: J
status: active
trigger: { event: { detail-type: [Subscribed] } }
steps:
  - id: w
    type: wait
    until: ${until}
    next: hello
  - { id: hello, type: send, channel: email, template: hi }
`;
}

/** What entering the journey does: the wait's timer in UTC, the send, or the exit reason. */
function enter(
  until: string,
  traits: Record<string, string>,
  properties: Record<string, string> = {},
): string[] {
  const catalog = new JourneyCatalog([journeyFromYaml(journeyWaiting(until))]);
  const event = customerEvent('Subscribed', 'ana', T0, properties, { traits });
  const { effects } = processInput(
    newCustomerState('ana'),
    { kind: 'event', event },
    {
      now: T0,
      catalog,
      defaultTimezone: 'UTC',
    },
  );
  return effects.flatMap((e: Effect) => {
    if (e.type === 'timer-scheduled') return [`until ${new Date(e.timer.dueAt).toISOString()}`];
    if (e.type === 'send') return ['send'];
    if (e.type === 'exited') return [`exited ${e.reason}`];
    return [];
  });
}

describe('wait until a date', () => {
  it('waits until an absolute instant', () => {
    expect(enter('{ at: "2027-12-24T18:00:00+01:00" }', {})).toEqual(['until 2027-12-24T17:00:00.000Z']);
  });

  it("waits until 10:00 local, 7 days before the profile's renewal date, on the first weekday from there", () => {
    // Prepare: 2027-04-10 is a Saturday; Tokyo is UTC+9.
    const traits = { timezone: 'Asia/Tokyo', renewalDate: '2027-04-17' };

    // Act
    const any = enter('{ date: traits.renewalDate, offset: -P7D, time: "10:00" }', traits);
    const weekday = enter(
      '{ date: traits.renewalDate, offset: -P7D, time: "10:00", days: [mon, tue, wed, thu, fri] }',
      traits,
    );

    // Assess
    expect([any, weekday]).toEqual([['until 2027-04-10T01:00:00.000Z'], ['until 2027-04-12T01:00:00.000Z']]);
  });

  it('reads the date from the trigger event, and moves by calendar months', () => {
    expect(
      enter('{ date: trigger.detail.properties.renewsOn, offset: -P1M }', {}, { renewsOn: '2027-05-31' }),
    ).toEqual(['until 2027-04-30T00:00:00.000Z']);
  });

  it('takes a yearless date at its next occurrence, 29 February on 28 February in a common year', () => {
    expect(enter('{ date: traits.birthday, time: "09:00" }', { birthday: '--02-29' })).toEqual([
      'until 2028-02-29T09:00:00.000Z',
    ]);
    expect(enter('{ date: traits.birthday, time: "09:00" }', { birthday: '--03-05' })).toEqual([
      'until 2027-03-05T09:00:00.000Z',
    ]);
  });

  it('goes on at once when the date has passed', () => {
    expect(enter('{ date: traits.renewalDate, offset: -P7D }', { renewalDate: '2027-03-05' })).toEqual([
      'send',
      'exited completed',
    ]);
  });

  it('ends the enrollment with date-missing or date-invalid, and sends nothing', () => {
    expect(enter('{ date: traits.renewalDate }', {})).toEqual(['exited date-missing']);
    expect(enter('{ date: traits.renewalDate }', { renewalDate: '2027-02-29' })).toEqual([
      'exited date-invalid',
    ]);
  });

  it('describes each form', () => {
    // Prepare
    const forms = [
      { id: 'w', type: 'wait', until: { at: '2027-12-24T18:00:00Z' }, next: 'n' },
      {
        id: 'w',
        type: 'wait',
        until: { date: 'traits.renewalDate', offset: '-P7D', time: '10:00', days: ['mon'] },
      },
    ];

    // Act
    const lines = forms.map((form) => describeStep(Step.parse(form)));

    // Assess
    expect(lines).toEqual([
      'wait until 2027-12-24T18:00:00Z -> n',
      'wait until traits.renewalDate -P7D at 10:00 local time on mon -> (end)',
    ]);
  });
});

describe('validation of wait.until', () => {
  const problems = (until: string) =>
    loadJourneyFile({ file: 'j.yaml', text: journeyWaiting(until) }).problems.map(formatProblem);

  it.each([
    [
      '{ at: "2027-12-24 18:00" }',
      'j.yaml:8:18 steps[0].until.at: expected an instant with its offset, e.g. "2026-12-24T18:00:00Z" or "2026-12-24T18:00:00+01:00"',
    ],
    [
      '{ at: "2027-12-24T18:00:00Z", time: "09:00" }',
      'j.yaml:8:18 steps[0].until.at: an until with at takes no time',
    ],
    ['{ time: "09:00", offset: -P1D }', 'j.yaml:8:37 steps[0].until.offset: offset only applies with date'],
    [
      '{ date: birthday }',
      'j.yaml:8:20 steps[0].until.date: expected a path starting with traits (the profile) or trigger (the trigger event), e.g. "traits.renewalDate"',
    ],
    [
      '{ date: traits.renewalDate, offset: P1H }',
      'j.yaml:8:48 steps[0].until.offset: expected a calendar offset in years, months, weeks or days such as -P7D, P1M or -P1Y, got "P1H"',
    ],
    ['{ days: [mon] }', 'j.yaml:8:12 steps[0].until: an until needs time, at or date, e.g. time: "09:00"'],
  ])('reports %s at its place', (until, expected) => {
    expect(problems(until)).toEqual([expected]);
  });
});
