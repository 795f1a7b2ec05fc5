import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type CalendarDate,
  localInstant,
  nextOccurrence,
  type OccurrenceRule,
  onAllowedDay,
  parseCalendarDate,
  parseCalendarOffset,
  shiftDate,
} from '../../../functions/core/time/calendar.ts';

const NO_OFFSET = { years: 0, months: 0, weeks: 0, days: 0 };
const rule = (overrides: Partial<OccurrenceRule> = {}): OccurrenceRule => ({
  recurrence: 'yearly',
  offset: NO_OFFSET,
  at: '09:00',
  zone: 'UTC',
  ifPast: 'skip',
  ...overrides,
});
const date = (text: string): CalendarDate => {
  const parsed = parseCalendarDate(text);
  if (!parsed.ok) throw new Error(`not a date: ${text}`);
  return parsed.date;
};
const iso = (ms: number) => new Date(ms).toISOString();
const occurrence = (...args: Parameters<typeof nextOccurrence>) => {
  const next = nextOccurrence(...args);
  return 'none' in next ? next.none : `${next.anchor} ${iso(next.dueAt)}`;
};

describe('parseCalendarDate', () => {
  it.each([
    ['1992-02-29', { year: 1992, month: 2, day: 29 }],
    ['--02-29', { month: 2, day: 29 }],
    ['--12-31', { month: 12, day: 31 }],
    ['2027-03-01T23:30:00-05:00', { year: 2027, month: 3, day: 1 }],
    ['2027-03-01T00:00:00Z', { year: 2027, month: 3, day: 1 }],
  ])('reads %s', (text, expected) => {
    // Act
    const parsed = parseCalendarDate(text);

    // Assess
    expect(parsed).toEqual({ ok: true, date: expected });
  });

  it.each([
    ['1990-02-29'],
    ['2027-04-31'],
    ['--02-30'],
    ['1990-13-01'],
    ['14/03/1990'],
    ['March 3'],
    [''],
    [19900314],
    [null],
  ])('refuses %s as date-invalid', (value) => {
    // Act
    const parsed = parseCalendarDate(value);

    // Assess
    expect(parsed).toEqual({ ok: false, reason: 'date-invalid' });
  });
});

describe('calendar offsets', () => {
  it('reads signed offsets in years, months, weeks and days, and refuses hours', () => {
    // Act
    const results = ['-P7D', 'P1M', '-P1Y2M', '+P2W', 'PT1H', 'P', '-P'].map((t) => {
      const parsed = parseCalendarOffset(t);
      return parsed.ok ? parsed.offset : 'refused';
    });

    // Assess
    expect(results).toEqual([
      { years: 0, months: 0, weeks: 0, days: -7 },
      { years: 0, months: 1, weeks: 0, days: 0 },
      { years: -1, months: -2, weeks: 0, days: 0 },
      { years: 0, months: 0, weeks: 2, days: 0 },
      'refused',
      'refused',
      'refused',
    ]);
  });

  it('moves a month-end date to the last day of a shorter month, and days across years', () => {
    // Act
    const shifted = [
      shiftDate({ year: 2027, month: 1, day: 31 }, { ...NO_OFFSET, months: 1 }),
      shiftDate({ year: 2028, month: 2, day: 29 }, { ...NO_OFFSET, years: 1 }),
      shiftDate({ year: 2028, month: 1, day: 3 }, { ...NO_OFFSET, days: -7 }),
    ];

    // Assess
    expect(shifted).toEqual([
      { year: 2027, month: 2, day: 28 },
      { year: 2029, month: 2, day: 28 },
      { year: 2027, month: 12, day: 27 },
    ]);
  });

  it('finds the first allowed weekday on or after a date', () => {
    // Act: 2027-03-13 is a Saturday.
    const monday = onAllowedDay({ year: 2027, month: 3, day: 13 }, ['mon', 'tue']);
    const same = onAllowedDay({ year: 2027, month: 3, day: 13 }, ['sat']);

    // Assess
    expect([monday, same]).toEqual([
      { year: 2027, month: 3, day: 15 },
      { year: 2027, month: 3, day: 13 },
    ]);
  });
});

describe('nextOccurrence', () => {
  const NOW = Date.parse('2027-01-15T12:00:00Z');

  it('falls on 28 February in a common year and on 29 February in a leap year', () => {
    // Act
    const common = occurrence(date('1992-02-29'), rule(), NOW);
    const leap = occurrence(date('1992-02-29'), rule(), NOW, '2027-02-28');

    // Assess
    expect([common, leap]).toEqual([
      '2027-02-28 2027-02-28T09:00:00.000Z',
      '2028-02-29 2028-02-29T09:00:00.000Z',
    ]);
  });

  it('is due at the local time in the zone, on the local day', () => {
    // Act
    const kiritimati = occurrence(date('1980-01-16'), rule({ zone: 'Pacific/Kiritimati' }), NOW);
    const pagoPago = occurrence(date('1980-01-16'), rule({ zone: 'Pacific/Pago_Pago' }), NOW);

    // Assess: Kiritimati is UTC+14, Pago Pago UTC-11.
    expect([kiritimati, pagoPago]).toEqual([
      '2027-01-16 2027-01-15T19:00:00.000Z',
      '2027-01-16 2027-01-16T20:00:00.000Z',
    ]);
  });

  it('moves by the offset (a renewal reminder 7 days before), and by months on the day or the last day', () => {
    // Act
    const reminder = occurrence(
      date('2027-03-03'),
      rule({ recurrence: 'once', offset: { ...NO_OFFSET, days: -7 } }),
      NOW,
    );
    const monthly = occurrence(
      date('2026-10-31'),
      rule({ recurrence: 'monthly' }),
      Date.parse('2027-02-01T00:00:00Z'),
    );

    // Assess
    expect([reminder, monthly]).toEqual([
      '2027-03-03 2027-02-24T09:00:00.000Z',
      '2027-02-28 2027-02-28T09:00:00.000Z',
    ]);
  });

  it('skips a passed occurrence, or runs it now while its day lasts when ifPast is run', () => {
    // Prepare: 15 January 2027, 12:00 UTC; the birthday is today, its 09:00 has passed.
    const today = date('1980-01-15');

    // Act
    const skipped = occurrence(today, rule(), NOW);
    const run = occurrence(today, rule({ ifPast: 'run' }), NOW);
    const dayOver = occurrence(date('1980-01-14'), rule({ ifPast: 'run' }), NOW);
    const oncePassed = occurrence(date('2026-12-01'), rule({ recurrence: 'once', ifPast: 'run' }), NOW);
    const onceRun = occurrence(
      date('2027-01-20'),
      rule({ recurrence: 'once', ifPast: 'run', offset: { ...NO_OFFSET, days: -7 } }),
      NOW,
    );

    // Assess
    expect([skipped, run, dayOver, oncePassed, onceRun]).toEqual([
      '2028-01-15 2028-01-15T09:00:00.000Z',
      '2027-01-15 2027-01-15T12:00:00.000Z',
      '2028-01-14 2028-01-14T09:00:00.000Z',
      'date-passed',
      '2027-01-20 2027-01-15T12:00:00.000Z',
    ]);
  });

  it('needs a year to happen once, and never repeats an occurrence that ran', () => {
    // Act
    const yearless = occurrence(date('--03-14'), rule({ recurrence: 'once' }), NOW);
    const ran = occurrence(date('2027-03-14'), rule({ recurrence: 'once' }), NOW, '2027-03-14');

    // Assess
    expect([yearless, ran]).toEqual(['date-without-year', 'date-passed']);
  });

  it('at a DST gap, a local time that does not exist moves forward by the gap; one that exists twice is the later', () => {
    // Act: New York skips 02:00-03:00 on 14 March 2027 and repeats 01:00-02:00 on 7 November 2027.
    const gap = localInstant({ year: 2027, month: 3, day: 14 }, '02:30', 'America/New_York');
    const twice = localInstant({ year: 2027, month: 11, day: 7 }, '01:30', 'America/New_York');

    // Assess
    expect([iso(gap), iso(twice)]).toEqual(['2027-03-14T07:30:00.000Z', '2027-11-07T06:30:00.000Z']);
  });
});

describe('nextOccurrence, for any date, zone and time', () => {
  const ZONES = [
    'UTC',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
  ];
  const DAY_MS = 86_400_000;
  const YEAR_MS = 365.25 * DAY_MS;

  it('is due at or after now, on the anchor moved by the offset in the zone, later than the last that ran', () => {
    fc.assert(
      fc.property(
        fc.record({
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          recurrence: fc.constantFrom('yearly' as const, 'monthly' as const),
          days: fc.integer({ min: -40, max: 40 }),
          months: fc.integer({ min: -2, max: 2 }),
          zone: fc.constantFrom(...ZONES),
          hour: fc.integer({ min: 0, max: 23 }),
          now: fc.integer({
            min: Date.parse('2026-01-01T00:00:00Z'),
            max: Date.parse('2030-01-01T00:00:00Z'),
          }),
          afterFirst: fc.boolean(),
        }),
        (c) => {
          // Prepare
          const day = Math.min(c.day, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][c.month - 1] ?? 28);
          const at = `${String(c.hour).padStart(2, '0')}:30`;
          const r = rule({
            recurrence: c.recurrence,
            zone: c.zone,
            at,
            offset: { ...NO_OFFSET, months: c.months, days: c.days },
          });
          const first = nextOccurrence({ month: c.month, day }, r, c.now);
          if ('none' in first) throw new Error('a recurring date always has a next occurrence');

          // Act
          const next = c.afterFirst ? nextOccurrence({ month: c.month, day }, r, c.now, first.anchor) : first;

          // Assess
          if ('none' in next) throw new Error('a recurring date always has a next occurrence');
          expect(next.dueAt).toBeGreaterThanOrEqual(c.now);
          // Two periods at most (the first may have just passed), and a leap day and a day of offset more.
          const periods = c.recurrence === 'yearly' ? 2 * YEAR_MS : YEAR_MS / 4;
          expect(next.dueAt - c.now).toBeLessThan(periods + 2 * DAY_MS);
          if (c.afterFirst) expect(next.anchor > first.anchor).toBe(true);
          const [y, m, d] = next.anchor.split('-').map(Number);
          const due = shiftDate({ year: y ?? 0, month: m ?? 0, day: d ?? 0 }, r.offset);
          // The local day of the due time is the shifted anchor (a DST gap moves the time, never the day here).
          expect(localDateOf(next.dueAt, c.zone)).toEqual(due);
        },
      ),
      {
        numRuns: 300,
        // Found by this property: the first occurrence passed a millisecond ago and the next after it is two
        // years and a leap day on.
        examples: [
          [
            {
              ...{ month: 2, day: 1, recurrence: 'yearly', days: -37, months: 2, zone: 'Pacific/Kiritimati' },
              ...{ hour: 0, now: 1803292200001, afterFirst: true },
            },
          ],
        ],
      },
    );
  });
});

function localDateOf(ms: number, zone: string): Required<CalendarDate> {
  const local = DateTime.fromMillis(ms, { zone });
  return { year: local.year, month: local.month, day: local.day };
}
