import { describe, expect, it } from 'vitest';
import type { CountedSend } from '../../../functions/core/engine/state.ts';
import { type CapCheck, countSend } from '../../../functions/core/policies/caps-window.ts';
import { DAY, NOON_PARIS } from './support.ts';

const WEEK = 7 * DAY;
const weekly = { ruleId: 'weekly', max: 2, windowMs: WEEK };

/** Counts each send in turn on what the ones before it left, as the state carries them: the results. */
function countInTurn(sends: [messageId: string, at: number, rules: CapCheck[]][]) {
  let counted: CountedSend[] = [];
  return sends.map(([messageId, at, rules]) => {
    const decision = countSend(counted, messageId, at, rules);
    if (decision.ok) counted = decision.sends;
    return decision.ok ? { ok: true } : decision;
  });
}

describe('countSend', () => {
  it('counts up to the maximum, then blocks until the oldest counted send leaves the window', () => {
    // Prepare
    const t0 = NOON_PARIS;

    // Act
    const [first, second, third] = countInTurn([
      ['m1', t0, [weekly]],
      ['m2', t0 + DAY, [weekly]],
      ['m3', t0 + 2 * DAY, [weekly]],
    ]);

    // Assess
    expect([first, second]).toEqual([{ ok: true }, { ok: true }]);
    expect(third).toEqual({ ok: false, blocking: [{ ruleId: 'weekly', freesAt: t0 + WEEK }] });
  });

  it('treats a send exactly one window after the first as a new window, and one millisecond earlier not', () => {
    // Prepare
    const t0 = NOON_PARIS;
    const once = { ruleId: 'once', max: 1, windowMs: WEEK };

    // Act
    const [, early, onTheBoundary] = countInTurn([
      ['m1', t0, [once]],
      ['m2', t0 + WEEK - 1, [once]],
      ['m3', t0 + WEEK, [once]],
    ]);

    // Assess
    expect(early).toEqual({ ok: false, blocking: [{ ruleId: 'once', freesAt: t0 + WEEK }] });
    expect(onTheBoundary).toEqual({ ok: true });
  });

  it('reports every blocking rule, and a blocked attempt counts under none of them', () => {
    // Prepare
    const t0 = NOON_PARIS;
    const daily = { ruleId: 'daily', max: 1, windowMs: DAY };
    const sms = { ruleId: 'sms', max: 5, windowMs: WEEK };
    const smsAlone = [1, 2, 3, 4, 5, 6].map((i): [string, number, CapCheck[]] => [
      `s${i}`,
      t0 + 3 * DAY,
      [sms],
    ]);

    // Act
    const results = countInTurn([
      ['m1', t0, [weekly, daily]],
      ['m2', t0 + 2 * DAY, [weekly, daily]],
      ['m3', t0 + 2 * DAY + 1, [weekly, daily, sms]],
      ...smsAlone,
    ]);

    // Assess
    expect(results[2]).toEqual({
      ok: false,
      blocking: [
        { ruleId: 'weekly', freesAt: t0 + WEEK },
        { ruleId: 'daily', freesAt: t0 + 3 * DAY },
      ],
    });
    // m3 was not counted under sms, so five more fit and the sixth does not.
    expect(results.slice(3).map((r) => r.ok)).toEqual([true, true, true, true, true, false]);
  });

  it('does not count a message twice, so a retried send costs nothing extra and writes nothing', () => {
    // Prepare
    const first = countSend([], 'm1', NOON_PARIS, [weekly]);
    if (!first.ok) throw new Error('the first send has room');

    // Act
    const retried = countSend(first.sends, 'm1', NOON_PARIS + 1, [weekly]);
    const results = countInTurn([
      ['m1', NOON_PARIS, [weekly]],
      ['m1', NOON_PARIS + 1, [weekly]],
      ['m2', NOON_PARIS + 2, [weekly]],
      ['m3', NOON_PARIS + 3, [weekly]],
    ]);

    // Assess
    expect(retried).toEqual({ ok: true, sends: first.sends, changed: false });
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it('prunes the sends past their windows when it counts', () => {
    // Prepare
    const first = countSend([], 'm1', NOON_PARIS, [weekly]);
    if (!first.ok) throw new Error('the first send has room');

    // Act
    const later = countSend(first.sends, 'm2', NOON_PARIS + WEEK, [weekly]);

    // Assess
    expect(later).toEqual({
      ok: true,
      sends: [{ m: 'm2', t: NOON_PARIS + WEEK, r: ['weekly'], x: NOON_PARIS + 2 * WEEK }],
      changed: true,
    });
  });
});
