import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationMs, parseDuration } from '../../../functions/core/time/duration.ts';

/** Durations as journeys and policies write them, valid or not, repeated so that most are asked again. */
const text = fc.oneof(
  fc
    .record({
      weeks: fc.option(fc.nat(9)),
      days: fc.option(fc.nat(40)),
      hours: fc.option(fc.nat(30)),
      minutes: fc.option(fc.nat(90)),
    })
    .map(({ weeks, days, hours, minutes }) => {
      const date = `${weeks === null ? '' : `${weeks}W`}${days === null ? '' : `${days}D`}`;
      const time = `${hours === null ? '' : `${hours}H`}${minutes === null ? '' : `${minutes}M`}`;
      return `P${date}${time ? `T${time}` : ''}`;
    }),
  fc.constantFrom('P1M', 'P1Y', 'PT', 'P', '7D', 'P0D'),
);

describe('durationMs', () => {
  it('answers what parsing answers, for a duration asked again as for a new one', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 30 }), (texts) => {
        for (const asked of [...texts, ...texts]) {
          // Prepare
          const parsed = parseDuration(asked);

          // Act
          const answer = () => durationMs(asked);

          // Assess
          if (parsed.ok) expect(answer()).toBe(parsed.ms);
          else expect(answer).toThrow(parsed.message);
        }
      }),
      { numRuns: 200 },
    );
  });
});
