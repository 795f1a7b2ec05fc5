import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import type { Observation } from '../../../functions/core/ports/observer.ts';
import { customerEvent, DAY, journeyFromYaml } from '../../support/journeys.ts';
import { simulationOf } from '../../support/simulation.ts';

// Acceptance (issue 13): two years of birthdays through the simulator, with 29 February and customers on both
// sides of the date line; one message a year on the right local day at 09:00; an unchanged birthday re-sent
// schedules nothing; a changed birthday moves the next message.

const birthday = journeyFromYaml(`
id: birthday
name: Birthday
status: active
trigger: { date: { attribute: traits.birthday, recurrence: yearly, at: "09:00" } }
steps:
  - { id: greet, type: send, channel: email, template: birthday }
`);

const T0 = Date.parse('2026-11-02T12:00:00Z');
const END = Date.parse('2028-11-02T12:00:00Z');

type Customer = { userId: string; timezone: string; birthday: string };
const CUSTOMERS: Customer[] = [
  { userId: 'kiri', timezone: 'Pacific/Kiritimati', birthday: '1992-02-29' }, // UTC+14
  { userId: 'pago', timezone: 'Pacific/Pago_Pago', birthday: '1988-02-29' }, // UTC-11
  { userId: 'auck', timezone: 'Pacific/Auckland', birthday: '1990-01-01' }, // UTC+13 in January
  { userId: 'hono', timezone: 'Pacific/Honolulu', birthday: '1979-12-31' }, // UTC-10
];

const identify = (customer: Customer, at: number, birthdayValue = customer.birthday) =>
  customerEvent(
    'Identify',
    customer.userId,
    at,
    {},
    {
      traits: {
        email: `${customer.userId}@example.com`,
        timezone: customer.timezone,
        birthday: birthdayValue,
      },
    },
  );

/** Each message as "user local-date local-time", in the customer's own zone. */
function localSends(simulation: ReturnType<typeof simulationOf>, zones: Map<string, string>): string[] {
  return [...simulation.tally.messages.values()]
    .filter((m) => m.status === 'SENT')
    .map((m) => {
      const local = DateTime.fromISO(m.at, { zone: zones.get(m.userId) ?? 'UTC' });
      return `${m.userId} ${local.toFormat('yyyy-MM-dd HH:mm')}`;
    })
    .sort();
}

describe('date trigger: birthdays over two years', () => {
  it('sends once a year on the local birthday at 09:00, 29 February on 28 February in other years', async () => {
    // Prepare
    const simulation = simulationOf({ journeys: [birthday] });
    const zones = new Map(CUSTOMERS.map((c) => [c.userId, c.timezone]));

    // Act: each customer identifies once, then re-sends the same birthday every 30 days for two years.
    for (let at = T0, round = 0; at < END; at += 30 * DAY, round++)
      for (const customer of CUSTOMERS) await simulation.processEvent(identify(customer, at + round));
    await simulation.finish(END);

    // Assess
    expect(localSends(simulation, zones)).toEqual([
      'auck 2027-01-01 09:00',
      'auck 2028-01-01 09:00',
      'hono 2026-12-31 09:00',
      'hono 2027-12-31 09:00',
      'kiri 2027-02-28 09:00',
      'kiri 2028-02-29 09:00',
      'pago 2027-02-28 09:00',
      'pago 2028-02-29 09:00',
    ]);
  });

  it('moves the next message when the birthday changes, and the old timer fires as a no-op', async () => {
    // Prepare
    const effects: Effect[] = [];
    const observer = { observe: (o: Observation) => (o.type === 'applied' ? effects.push(...o.effects) : 0) };
    const simulation = simulationOf({ journeys: [birthday] }, { observer });
    const mover = { userId: 'mover', timezone: 'Pacific/Kiritimati', birthday: '1990-04-10' };
    const zones = new Map([[mover.userId, mover.timezone]]);

    // Act: on 1 March 2027 the birthday becomes 15 June.
    await simulation.processEvent(identify(mover, T0));
    await simulation.processEvent(identify(mover, Date.parse('2027-03-01T00:00:00Z'), '1990-06-15'));
    await simulation.finish(END);

    // Assess: no message on 10 April (its timer fired and did nothing), then yearly on 15 June.
    expect(localSends(simulation, zones)).toEqual(['mover 2027-06-15 09:00', 'mover 2028-06-15 09:00']);
    const stale = effects.filter((e) => e.type === 'ignored' && e.reason === 'stale-timer');
    expect(stale.map((e) => e.type === 'ignored' && e.inputKey)).toEqual([
      `timer:date:birthday:mover:2027-04-10:${Date.parse('2027-04-09T19:00:00Z')}`,
    ]);
  });
});
