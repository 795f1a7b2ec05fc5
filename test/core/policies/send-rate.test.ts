import { describe, expect, it } from 'vitest';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { reserveSecond } from '../../../functions/core/policies/send-rate.ts';
import { journeyFromYaml } from '../../support/journeys.ts';
import { simulationOf } from '../../support/simulation.ts';

describe('reserveSecond', () => {
  it('fills a second up to the limit, then the next, and starts afresh at a later second', () => {
    // Prepare
    let counter: Parameters<typeof reserveSecond>[0];
    const seconds: number[] = [];

    // Act
    for (let i = 0; i < 5; i++) {
      const reserved = reserveSecond(counter, 100, 2);
      seconds.push(reserved.second);
      counter = reserved.counter;
    }
    const later = reserveSecond(counter, 200, 2);

    // Assess
    expect(seconds).toEqual([100, 100, 101, 101, 102]);
    expect(later).toEqual({ second: 200, counter: { second: 200, count: 1 } });
  });
});

// Acceptance (issue 17): 10,000 due sends with a limit of 50/s are spread over at least 200 s of virtual time
// with no burst above the limit in any second, and nothing is lost.
describe('a journey send-rate limit in the simulator', () => {
  it('spreads 10,000 sends due at once over 200 seconds, 50 in each, and sends every one', async () => {
    // Prepare
    const journey = journeyFromYaml(`
id: broadcast
name: Broadcast
status: active
trigger: { schedule: { at: "2026-12-01T10:00", timezone: UTC } }
sendRate: { perSecond: 50 }
steps:
  - { id: offer, type: send, channel: email, template: offer }
`);
    const profiles = new Map<string, CustomerState['profile']>();
    for (let i = 0; i < 10_000; i++) {
      const userId = `u${i}`;
      profiles.set(userId, { ...newCustomerState(userId).profile, email: `${userId}@example.com` });
    }
    const simulation = simulationOf({ journeys: [journey] }, { profiles });

    // Act
    await simulation.runTo(Date.parse('2026-12-01T09:00:00Z'));
    await simulation.finish(Date.parse('2026-12-01T11:00:00Z'));

    // Assess
    const sent = [...simulation.tally.messages.values()].filter((m) => m.status === 'SENT');
    expect(sent).toHaveLength(10_000);
    const perSecond = new Map<string, number>();
    for (const message of sent) perSecond.set(message.at, (perSecond.get(message.at) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBe(50);
    const times = sent.map((m) => Date.parse(m.at));
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(199_000);
    expect(Math.min(...times)).toBe(Date.parse('2026-12-01T10:00:00Z'));
  }, 120_000);
});
