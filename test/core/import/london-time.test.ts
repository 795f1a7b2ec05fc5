import { Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { LondonClock, type WallClock } from '../../../functions/core/import/london-time.ts';

function wall(text: string): WallClock {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = text.split(/[- :]/).map(Number);
  return { year, month, day, hour, minute, second };
}

function utc(text: string): string | undefined {
  return new LondonClock().instant(wall(text))?.time;
}

const realNow = Settings.now;
afterEach(() => {
  Settings.now = realNow;
});

describe('LondonClock', () => {
  it('reads GMT in winter and BST in summer, changing at 01:00Z on the last Sundays of March and October', () => {
    expect(utc('2011-01-15 10:00:00')).toBe('2011-01-15T10:00:00Z');
    expect(utc('2011-07-15 10:00:00')).toBe('2011-07-15T09:00:00Z');
    expect(utc('2011-03-27 00:59:59')).toBe('2011-03-27T00:59:59Z');
    expect(utc('2011-03-27 02:00:00')).toBe('2011-03-27T01:00:00Z');
    expect(utc('2011-10-30 00:59:00')).toBe('2011-10-29T23:59:00Z');
    expect(utc('2011-10-30 02:00:00')).toBe('2011-10-30T02:00:00Z');
  });

  it('gives the epoch milliseconds of the same instant', () => {
    expect(new LondonClock().instant(wall('2011-07-15 10:00:30'))).toEqual({
      at: Date.parse('2011-07-15T09:00:30Z'),
      time: '2011-07-15T09:00:30Z',
    });
  });

  it.each([
    ['in winter', '2026-01-15T12:00:00Z'],
    ['in summer', '2026-07-15T12:00:00Z'],
  ])('reads the times around a change the same way when run %s', (_when, now) => {
    // Prepare: luxon's own conversion depends on the offset at the present moment
    Settings.now = () => Date.parse(now);
    // Act
    const skipped = utc('2011-03-27 01:30:00');
    const repeated = utc('2011-10-30 01:30:00');
    // Assess: skipped → an hour on (02:30 BST); repeated → GMT, the later of the two
    expect(skipped).toBe('2011-03-27T01:30:00Z');
    expect(repeated).toBe('2011-10-30T01:30:00Z');
  });

  it('refuses dates and times that do not exist', () => {
    for (const bad of [
      '2011-02-29 10:00:00',
      '2011-13-01 10:00:00',
      '2011-01-01 25:00:00',
      '2011-01-01 10:60:00',
    ])
      expect(utc(bad), bad).toBeUndefined();
  });
});
