import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/core/journeys/schema.ts';
import { checkTiming } from '../../../functions/core/policies/timing.ts';
import { intent, policies } from './support.ts';

const ZONES = Intl.supportedValuesOf('timeZone');
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local hour and minute by Intl, independently of the luxon code under test. */
function localMinute(ms: number, zone: string): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(ms);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

function inside(ms: number, zone: string, from: number, to: number): boolean {
  const m = localMinute(ms, zone);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Days on which many zones change their clocks (northern and southern hemisphere, 2026). */
const DST_DAYS = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-09-27',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
];
const MINUTE = 60_000;

const instant = fc.oneof(
  fc
    .integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-12-31') })
    .map((ms) => ms - (ms % MINUTE)),
  fc
    .tuple(fc.constantFrom(...DST_DAYS), fc.integer({ min: -36 * 60, max: 36 * 60 }))
    .map(([day, minutes]) => Date.parse(`${day}T00:00:00Z`) + minutes * MINUTE),
);
/** Half of the windows end between 01:00 and 03:59, where most clocks change. */
const window = fc
  .tuple(
    fc.integer({ min: 0, max: 1439 }),
    fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 239 })),
  )
  .filter(([from, to]) => from !== to);
/** Zones whose offset differs between January and July: the ones with DST transitions. */
const DST_ZONES = ZONES.filter(
  (zone) =>
    localMinute(Date.parse('2026-01-15T12:00:00Z'), zone) !==
    localMinute(Date.parse('2026-07-15T12:00:00Z'), zone),
);
const zone = fc.oneof(fc.constantFrom(...ZONES), fc.constantFrom(...DST_ZONES));
const channel = fc.constantFrom<Channel>('email', 'sms', 'push');

describe('quiet hours over random IANA timezones', () => {
  it('holds a message inside the window until the first allowed minute after it, and never into the window', () => {
    fc.assert(
      fc.property(zone, instant, window, channel, (zone, now, [from, to], ch) => {
        // Prepare
        const rules = policies({
          quietHours: { [ch]: { from: hhmm(from), to: hhmm(to), behaviour: 'hold' } },
        });
        const held = intent({ channels: [ch] });

        // Act
        const decision = checkTiming(held, ch, zone, rules, now);

        // Assess
        if (!inside(now, zone, from, to)) {
          expect(decision).toEqual({ pass: true });
          return;
        }
        if (decision.pass) throw new Error('expected the message to be held');
        expect(decision.outcome).toMatchObject({
          status: 'DEFERRED',
          reason: 'quiet_time',
          rule: `quietHours.${ch}`,
        });
        const until = decision.outcome.until ?? Number.NaN;
        expect(inside(until, zone, from, to)).toBe(false);
        for (let t = now; t < until; t += MINUTE) expect(inside(t, zone, from, to)).toBe(true);
        expect(checkTiming(held, ch, zone, rules, until)).toEqual({ pass: true });
      }),
      { numRuns: 500 },
    );
  });

  it('drops instead when the behaviour is drop, and only inside the window', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, window, (zone, now, [from, to]) => {
        const rules = policies({
          quietHours: { sms: { from: hhmm(from), to: hhmm(to), behaviour: 'drop' } },
        });

        const decision = checkTiming(intent({ channels: ['sms'] }), 'sms', zone, rules, now);

        expect(decision.pass ? 'sent' : decision.outcome.status).toBe(
          inside(now, zone, from, to) ? 'DROPPED' : 'sent',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never blocks 21:00 local with quiet hours from 22:00 to 08:00', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, day, minute) => {
          // Prepare
          const date = DateTime.fromMillis(Date.parse('2020-01-01') + day * 86_400_000, { zone });
          const at = date.set({ hour: 21, minute, second: 0, millisecond: 0 }).toMillis();
          const rules = policies({ quietHours: { push: { from: '22:00', to: '08:00' } } });

          // Act
          const decision = checkTiming(intent({ channels: ['push'] }), 'push', zone, rules, at);

          // Assess
          expect(Math.floor(localMinute(at, zone) / 60)).toBe(21);
          expect(decision).toEqual({ pass: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quiet hours at DST transitions', () => {
  it('releases at the first real minute when the end of the quiet hours falls in the spring-forward gap', () => {
    // Prepare: Paris jumps from 02:00 to 03:00 on 2026-03-29, so 02:30 does not exist that night.
    const rules = policies({ quietHours: { push: { from: '22:00', to: '02:30' } } });
    const at = Date.parse('2026-03-29T00:50:00Z'); // 01:50 in Paris

    // Act
    const decision = checkTiming(intent({ channels: ['push'] }), 'push', 'Europe/Paris', rules, at);

    // Assess: 03:00 summer time, the first minute after the gap
    expect(decision).toMatchObject({ pass: false, outcome: { until: Date.parse('2026-03-29T01:00:00Z') } });
  });

  it('holds through the repeated hour when clocks go back', () => {
    // Prepare: New York repeats 01:00 to 02:00 on 2026-11-01; quiet hours end at 01:30 (the first time).
    const rules = policies({ quietHours: { sms: { from: '22:00', to: '01:30' } } });
    const at = Date.parse('2026-11-01T04:00:00Z'); // 00:00 EDT

    // Act
    const decision = checkTiming(intent({ channels: ['sms'] }), 'sms', 'America/New_York', rules, at);

    // Assess: 01:30 EDT
    expect(decision).toMatchObject({ pass: false, outcome: { until: Date.parse('2026-11-01T05:30:00Z') } });
  });

  it('lets transactional and high-priority sends through when the rule says so', () => {
    const rules = policies({
      quietHours: { push: { from: '22:00', to: '08:00', overriddenBy: ['transactional', 'high-priority'] } },
    });
    const night = Date.parse('2026-11-02T02:00:00Z');

    const transactional = checkTiming(intent({ category: 'transactional' }), 'push', 'UTC', rules, night);
    const high = checkTiming(intent({ priority: 'high' }), 'push', 'UTC', rules, night);
    const normal = checkTiming(intent(), 'push', 'UTC', rules, night);

    expect([transactional.pass, high.pass, normal.pass]).toEqual([true, true, false]);
  });
});
