import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { nextStageBoundary, scanStageBoundary } from '../../../functions/core/lifecycle/stage-boundary.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import { generatedStages, lifecycleWith } from '../../support/lifecycle-rules.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:30:00Z');

const number = fc.constantFrom(0, 0.5, 1, 2, 2.5, 7, 13.7, 30, 31, 60, 90, 180, 365);
const comparison = fc.oneof(
  fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '='), number).map(([op, n]) => [{ numeric: [op, n] }]),
  number.map((n) => [n]),
);
/** Rules on the day counts (those of orders are null without purchases), and now and then on a trait. */
const when = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.constantFrom('daysSinceFirstSeen', 'daysSinceLastSeen'), comparison, {
      minKeys: 1,
      maxKeys: 2,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ daysSinceFirstOrder: [null] }) },
  { weight: 1, arbitrary: fc.record({ plan: fc.constant(['gold']), daysSinceFirstSeen: comparison }) },
);
const stages = generatedStages(when, 4);

/**
 * How long before now a customer without purchases was first and last seen (either maybe unknown): often one
 * of a few offsets, so that customers share some of them and not others.
 */
const ago = fc.option(
  fc.oneof(fc.constantFrom(0, DAY, 29 * DAY + 5, 31 * DAY), fc.integer({ min: 0, max: 200 * DAY })),
  { nil: undefined },
);
const seen = fc.record({ firstAgo: ago, lastAgo: ago, plan: fc.constantFrom('gold', 'free') });

type Seen = { firstAgo: number | undefined; lastAgo: number | undefined; plan: string };

function profileAt(now: number, { firstAgo, lastAgo, plan }: Seen): Profile {
  return {
    traits: { plan },
    devices: [],
    consent: {},
    ...(firstAgo === undefined ? {} : { firstSeenAt: now - firstAgo }),
    ...(lastAgo === undefined ? {} : { lastSeenAt: now - lastAgo }),
  };
}

describe('the next lifecycle-stage boundary of customers without purchases, remembered by offsets', () => {
  it('is the plain search’s at any time, for customers seen as long ago as one searched before', () => {
    fc.assert(
      fc.property(
        stages,
        fc.array(seen, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: -400 * DAY, max: 400 * DAY }), { minLength: 1, maxLength: 4 }),
        (rules, customers, shifts) => {
          // Prepare: one model, so that later searches find what earlier ones remembered
          const model = compileLifecycle(lifecycleWith(rules));

          for (const shift of [0, ...shifts])
            for (const customer of [...customers, ...customers]) {
              const now = NOW + shift;
              const profile = profileAt(now, customer);

              // Act
              const remembered = nextStageBoundary(model, 'u1', profile, now);

              // Assess
              expect(remembered).toBe(scanStageBoundary(model, 'u1', profile, now, false));
            }
        },
      ),
      { numRuns: 200 },
    );
  });
});
