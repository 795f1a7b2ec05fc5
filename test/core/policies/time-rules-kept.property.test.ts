import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/core/journeys/schema.ts';
import { checkTiming } from '../../../functions/core/policies/timing.ts';
import { intent, policies } from './support.ts';

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minute = fc.integer({ min: 0, max: 1439 });
const overriddenBy = fc.subarray(['transactional', 'high-priority']);
const channel = fc.constantFrom<Channel>('email', 'sms', 'push');
const behaviour = fc.constantFrom('hold', 'drop');

/** Policies with quiet hours, send windows and closed days on random channels, each overridden by random cases. */
const config = fc.record({
  quietHours: fc.dictionary(
    channel,
    fc
      .record({ from: minute, to: minute, behaviour, overriddenBy })
      .filter(({ from, to }) => from !== to)
      .map(({ from, to, ...rest }) => ({ from: hhmm(from), to: hhmm(to), ...rest })),
    { maxKeys: 2 },
  ),
  sendWindows: fc.dictionary(
    channel,
    fc.record({
      open: fc.array(
        fc
          .record({
            days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { minLength: 1 }),
            from: minute,
            to: minute,
          })
          .filter(({ from, to }) => from < to)
          .map(({ days, from, to }) => ({ days, from: hhmm(from), to: hhmm(to) })),
        { minLength: 1, maxLength: 2 },
      ),
      behaviour,
      overriddenBy,
    }),
    { maxKeys: 2 },
  ),
  closedDays: fc.record({
    dates: fc.array(
      fc.record(
        { date: fc.constantFrom('2026-11-02', '2026-11-03', '2026-12-25') },
        { requiredKeys: ['date'] },
      ),
      { maxLength: 2 },
    ),
    behaviour,
    overriddenBy,
  }),
});
/** A send of any category and priority, the decisive pair for which rules are overridden. */
const send = fc.record({
  category: fc.constantFrom('marketing', 'transactional'),
  priority: fc.constantFrom('normal', 'high'),
  channel,
  now: fc.integer({ min: Date.parse('2026-11-01T00:00:00Z'), max: Date.parse('2026-11-05T00:00:00Z') }),
  zone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'),
});

describe('time rules made once per policies object', () => {
  it('decide every send as rules made afresh for it do, whatever sends were decided before', () => {
    fc.assert(
      fc.property(config, fc.array(send, { minLength: 1, maxLength: 8 }), (input, sends) => {
        // Prepare: one policies object shared by every send (its rules made on the first of each case), and
        // a fresh parse of the same input per send (nothing made before).
        const shared = policies(input);

        // Act
        const decided = sends.map((s) =>
          checkTiming(
            intent({ category: s.category, priority: s.priority }),
            s.channel,
            s.zone,
            shared,
            s.now,
          ),
        );
        const afresh = sends.map((s) =>
          checkTiming(
            intent({ category: s.category, priority: s.priority }),
            s.channel,
            s.zone,
            policies(input),
            s.now,
          ),
        );

        // Assess
        expect(decided).toEqual(afresh);
      }),
      { numRuns: 300 },
    );
  });
});
