import { describe, expect, it } from 'vitest';
import { boundLimit, type SimulationPart } from '../../../functions/core/simulate/part.ts';

const part = (rateAsked: SimulationPart['rateAsked']): SimulationPart => ({
  eventsIn: 0,
  lateEvents: 0,
  pendingTimers: 0,
  redriven: 0,
  until: 0,
  runErrors: [],
  messages: { files: [], count: 0, sent: 0 },
  enrollments: { files: [], count: 0 },
  deadLetters: [],
  journeys: {},
  runs: [],
  facts: {},
  timeline: [],
  rateAsked,
});

describe('a send-rate limit across shares', () => {
  it('bound when the shares together asked one second for more sends than it allows, not before', () => {
    // Prepare: a limit of 3 a second; two shares asking second 100 for 2 and 1, then 2 and 2.
    const asked = (second: number, count: number) => ({ journeyId: 'promo', second, count, perSecond: 3 });
    const fits = [part([asked(100, 2), asked(101, 3)]), part([asked(100, 1), asked(102, 3)])];
    const over = [part([asked(100, 2)]), part([asked(100, 2)])];

    // Act, Assess
    expect(boundLimit(fits)).toBeUndefined();
    expect(boundLimit(over)).toBe('promo');
  });
});
