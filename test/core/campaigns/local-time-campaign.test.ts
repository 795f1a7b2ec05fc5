import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileCampaign } from '../../../functions/core/campaigns/compile.ts';
import { Campaign } from '../../../functions/core/campaigns/schema.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { noPolicies, Policies } from '../../../functions/core/policies/config.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import type { Segment } from '../../../functions/core/segments/schema.ts';
import { simulationOf } from '../../support/simulation.ts';

// Acceptance (issue 17): customers in 5 time zones (one with a 45-minute offset, one crossing a DST change on
// the send date), a campaign at 10:00 local time on a date: every member of the segment gets exactly one
// message at 10:00 in their zone (or the first allowed minute after it under quiet hours), non-members none,
// the holdout none, and the treatments split within the expected binomial range.

// 28 March 2027: Europe/London springs forward at 01:00 UTC, so 10:00 there is 09:00 UTC (10:00 UTC the day
// before). Asia/Kathmandu is UTC+5:45, Pacific/Chatham UTC+13:45 in March.
const ZONES = ['Europe/London', 'Asia/Kathmandu', 'America/New_York', 'Pacific/Chatham', 'Asia/Tokyo'];
const DATE = '2027-03-28';

const campaign = Campaign.parse(
  parse(`
id: spring-offer
name: Spring offer
status: active
audience: { segment: members }
schedule: { at: "${DATE}T10:00", timezone: local }
treatments:
  - { name: a, percent: 50, channel: email, template: offer-a }
  - { name: b, percent: 50, channel: email, template: offer-b }
holdout: 10
`),
);
const members: Segment = {
  id: 'members',
  name: 'Members',
  description: '',
  when: { profile: { traits: { member: ['yes'] } } },
};

const MEMBERS = 2_000;
const OTHERS = 200;

function profiles(): Map<string, Profile> {
  const all = new Map<string, Profile>();
  for (let i = 0; i < MEMBERS + OTHERS; i++) {
    const userId = `cust-${i}`;
    all.set(userId, {
      ...newCustomerState(userId).profile,
      email: `${userId}@example.com`,
      timezone: ZONES[i % ZONES.length],
      timezoneSource: 'trait',
      traits: { member: i < MEMBERS ? 'yes' : 'no' },
    });
  }
  return all;
}

async function simulate(policies: Policies) {
  const simulation = simulationOf(
    { journeys: [compileCampaign(campaign)], segments: [members], policies },
    { profiles: profiles() },
  );
  await simulation.runTo(Date.parse('2027-03-26T00:00:00Z'));
  await simulation.finish(Date.parse('2027-03-30T00:00:00Z'));
  const zoneOf = (userId: string) => ZONES[Number(userId.slice(5)) % ZONES.length] ?? 'UTC';
  const sent = [...simulation.tally.messages.values()].filter((m) => m.status === 'SENT');
  const local = sent.map((m) =>
    DateTime.fromISO(m.at, { zone: zoneOf(m.userId) }).toFormat('yyyy-MM-dd HH:mm'),
  );
  return { simulation, sent, local };
}

describe('a campaign at 10:00 local time in five zones', () => {
  it('sends each member outside the holdout one message at 10:00 in their zone, non-members none', async () => {
    // Act
    const { simulation, sent, local } = await simulate(noPolicies());

    // Assess
    const enrollments = [...simulation.tally.enrollments.values()];
    const heldOut = enrollments.filter((e) => e.holdout);
    expect(enrollments).toHaveLength(MEMBERS);
    expect(new Set(sent.map((m) => m.userId)).size).toBe(sent.length);
    expect(sent).toHaveLength(MEMBERS - heldOut.length);
    expect(new Set(local)).toEqual(new Set([`${DATE} 10:00`]));
    expect(sent.every((m) => Number(m.userId.slice(5)) < MEMBERS)).toBe(true);
    const heldIds = new Set(heldOut.map((e) => e.userId));
    expect(sent.some((m) => heldIds.has(m.userId))).toBe(false);
    // London's 10:00 on its spring-forward day is 09:00 UTC; Kathmandu's is 04:15 UTC.
    const utcOf = (i: number) => sent.find((m) => m.userId === `cust-${i}`)?.at;
    const firstNotHeld = (zone: number) => {
      for (let i = zone; i < MEMBERS; i += ZONES.length) if (!heldIds.has(`cust-${i}`)) return i;
      return zone;
    };
    expect(utcOf(firstNotHeld(0))).toBe('2027-03-28T09:00:00.000Z');
    expect(utcOf(firstNotHeld(1))).toBe('2027-03-28T04:15:00.000Z');
    // Binomial: the holdout is 10% of 2,000 (sd 13.4) and each treatment half of the rest (sd about 21); both
    // within 4 standard deviations.
    expect(heldOut.length).toBeGreaterThanOrEqual(200 - 54);
    expect(heldOut.length).toBeLessThanOrEqual(200 + 54);
    const a = sent.filter((m) => m.variant === 'a').length;
    expect(Math.abs(a - sent.length / 2)).toBeLessThanOrEqual(4 * Math.sqrt(sent.length / 4));
    expect(await simulation.runs.list('spring-offer')).toEqual([
      expect.objectContaining({ run: `${DATE}T10:00`, audience: MEMBERS, entries: MEMBERS, timers: MEMBERS }),
    ]);
  }, 120_000);

  it('holds each message to the first allowed minute after quiet hours that cover 10:00', async () => {
    // Prepare: email quiet hours 09:30 to 10:45, local time of each recipient.
    const policies = Policies.parse({
      ...noPolicies(),
      quietHours: { email: { from: '09:30', to: '10:45', overriddenBy: [] } },
    });

    // Act
    const { local, sent, simulation } = await simulate(policies);

    // Assess
    const heldOut = [...simulation.tally.enrollments.values()].filter((e) => e.holdout).length;
    expect(sent).toHaveLength(MEMBERS - heldOut);
    expect(new Set(local)).toEqual(new Set([`${DATE} 10:45`]));
  }, 120_000);
});
