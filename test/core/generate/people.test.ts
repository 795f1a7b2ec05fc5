import { describe, expect, it } from 'vitest';
import {
  createIdentity,
  type MarketingShares,
  optInToMarketing,
} from '../../../functions/core/generate/people.ts';
import { keyedRandom, RandomStreams } from '../../../functions/core/generate/random.ts';
import { ZONES } from '../../../functions/core/generate/zones.ts';

const CUSTOMERS = 4000;

/** The identities and opt-ins of CUSTOMERS customers, as generateEvents draws them for a seed. */
function population(shares: MarketingShares) {
  const streams = new RandomStreams(11);
  return Array.from({ length: CUSTOMERS }, (_, i) => {
    const rng = streams.next();
    const zone = rng.pick(ZONES);
    const identity = createIdentity(rng, zone, i + 1);
    const hadPhone = identity.phone !== undefined;
    const hadDevice = identity.device !== undefined;
    const optIns = optInToMarketing(keyedRandom(11, i + 1, 1), identity, zone, shares);
    return { identity, optIns, hadPhone, hadDevice };
  });
}

/** Whether `count` of CUSTOMERS is within 4.5 standard deviations of a binomial with chance `share`. */
function binomiallyNear(count: number, share: number): boolean {
  const sd = Math.sqrt(CUSTOMERS * share * (1 - share));
  return Math.abs(count - CUSTOMERS * share) < 4.5 * sd;
}

describe('optInToMarketing', () => {
  it('opts in the share of customers asked for, each with a phone number or the app to reach them', () => {
    // Act
    const customers = population({ sms: 0.3, push: 0.5 });

    // Assess
    const sms = customers.filter((c) => c.optIns.sms);
    const push = customers.filter((c) => c.optIns.push);
    expect(binomiallyNear(sms.length, 0.3)).toBe(true);
    expect(binomiallyNear(push.length, 0.5)).toBe(true);
    expect(sms.every((c) => c.identity.phone !== undefined)).toBe(true);
    expect(push.every((c) => c.identity.device !== undefined)).toBe(true);
  });

  it('asks customers who have the number or the app first, and gives others one only past that share', () => {
    // Act: 30% is below the 82% with a phone number; 50% is above the 45% with the app.
    const customers = population({ sms: 0.3, push: 0.5 });

    // Assess
    expect(customers.filter((c) => c.optIns.sms && !c.hadPhone)).toEqual([]);
    const installed = customers.filter((c) => c.optIns.push && !c.hadDevice).length;
    expect(installed).toBeGreaterThan(0);
    expect(installed).toBeLessThan(CUSTOMERS * 0.1);
  });

  it('opts in nobody at a share of 0, and everybody at a share of 1', () => {
    // Act
    const none = population({ sms: 0, push: 0 });
    const all = population({ sms: 1, push: 1 });

    // Assess
    expect(none.filter((c) => c.optIns.sms || c.optIns.push)).toEqual([]);
    expect(none.filter((c) => !c.hadPhone && c.identity.phone !== undefined)).toEqual([]);
    expect(all.every((c) => c.optIns.sms && c.optIns.push)).toBe(true);
    expect(all.every((c) => c.identity.phone !== undefined && c.identity.device !== undefined)).toBe(true);
  });
});
