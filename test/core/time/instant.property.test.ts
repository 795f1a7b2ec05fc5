import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../functions/core/time/instant.ts';

describe('parseInstant', () => {
  it('answers as Date.parse does for every text, in any order of calls and repeats', () => {
    const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString());
    const text = fc.oneof(instant, fc.string({ maxLength: 12 }), fc.constant('2026-11-02T10:00:00+02:00'));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(19)), (texts, picks) => {
        // Prepare
        const calls = [...texts, ...picks.map((i) => texts[i % texts.length] ?? '')];

        // Act
        const parsed = calls.map((t) => parseInstant(t));

        // Assess
        expect(parsed).toEqual(calls.map((t) => Date.parse(t)));
      }),
    );
  });

  it('gives NaN for a text that is no time, also when asked twice', () => {
    // Act
    const answers = [parseInstant('not a time'), parseInstant('not a time')];

    // Assess
    expect(answers).toEqual([Number.NaN, Number.NaN]);
  });
});
