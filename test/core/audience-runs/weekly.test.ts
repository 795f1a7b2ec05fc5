import { describe, expect, it } from 'vitest';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';
import { simulationOf } from '../../support/simulation.ts';

// Acceptance (issue 17): a recurring weekly run over 5 weeks enrolls each member once per week, and with
// "new members only" a member only once.

const weekly = (members: 'everyone' | 'new') =>
  journeyFromYaml(`
id: weekly-${members}
name: Weekly
status: active
trigger:
  schedule:
    segment: subscribers
    cron: "0 9 * * MON"
    timezone: Europe/London
    members: ${members}
entry: { reentry: always }
steps:
  - { id: letter, type: send, channel: email, template: weekly }
`);

const subscribers = {
  id: 'subscribers',
  name: 'Subscribers',
  description: '',
  when: { profile: { traits: { newsletter: ['yes'] } } },
};

// Monday 2 November 2026 is the first run; five Mondays follow up to 30 November.
const T0 = Date.parse('2026-11-01T12:00:00Z');
const END = Date.parse('2026-12-01T00:00:00Z');

async function runFiveWeeks(members: 'everyone' | 'new') {
  const journey = weekly(members);
  const simulation = simulationOf({ journeys: [journey], segments: [subscribers] });
  const identify = (userId: string, at: number, newsletter: boolean) =>
    customerEvent(
      'Identify',
      userId,
      at,
      {},
      { traits: { email: `${userId}@example.com`, newsletter: newsletter ? 'yes' : 'no' } },
    );
  await simulation.processEvent(identify('ana', T0, true));
  await simulation.processEvent(identify('ben', T0 + 1, true));
  await simulation.processEvent(identify('cy', T0 + 2, false));
  // dee subscribes in the third week.
  await simulation.processEvent(identify('dee', Date.parse('2026-11-12T10:00:00Z'), true));
  await simulation.finish(END);
  const sent = [...simulation.tally.messages.values()].filter((m) => m.status === 'SENT');
  const perUser = (userId: string) => sent.filter((m) => m.userId === userId).map((m) => m.at.slice(0, 16));
  return { simulation, perUser, journeyId: journey.id };
}

describe('weekly scheduled runs', () => {
  it('enrolls each member once a week, at 09:00 London, and non-members never', async () => {
    // Act
    const { perUser, simulation, journeyId } = await runFiveWeeks('everyone');

    // Assess
    const mondays = [
      '2026-11-02T09:00',
      '2026-11-09T09:00',
      '2026-11-16T09:00',
      '2026-11-23T09:00',
      '2026-11-30T09:00',
    ];
    expect(perUser('ana')).toEqual(mondays);
    expect(perUser('ben')).toEqual(mondays);
    expect(perUser('cy')).toEqual([]);
    expect(perUser('dee')).toEqual(mondays.slice(2));
    const records = await simulation.runs.list(journeyId);
    expect(records.map((r) => [r.run, r.audience, r.entries])).toEqual([
      ['2026-11-02T09:00', 2, 2],
      ['2026-11-09T09:00', 2, 2],
      ['2026-11-16T09:00', 3, 3],
      ['2026-11-23T09:00', 3, 3],
      ['2026-11-30T09:00', 3, 3],
    ]);
  });

  it('with members: new, enrolls each member once, at the first run they are in the audience', async () => {
    // Act
    const { perUser, simulation, journeyId } = await runFiveWeeks('new');

    // Assess
    expect(perUser('ana')).toEqual(['2026-11-02T09:00']);
    expect(perUser('ben')).toEqual(['2026-11-02T09:00']);
    expect(perUser('dee')).toEqual(['2026-11-16T09:00']);
    const refused = [...simulation.tally.runs.values()].map((r) => [r.run, r.entered, r.notEntered]);
    expect(refused).toContainEqual(['2026-11-30T09:00', 0, { 'entered-earlier-run': 3 }]);
    expect((await simulation.runs.list(journeyId)).length).toBe(5);
  });
});
