import { describe, expect, it } from 'vitest';
import {
  instantOf,
  offsetMinutes,
  wallClockOf,
  zoneOfOffset,
} from '../../../functions/core/pinpoint/zones.ts';
import { memberDue } from '../../../functions/core/triggers/schedule.ts';

// Pinpoint's Timezone values (API reference, Schedule.Timezone: UTC, UTC+01 ... UTC+05:45 ... UTC-11) are fixed
// offsets; the zone the import writes must give the same instants all year, also across daylight saving dates.

describe('Pinpoint offsets as IANA zones', () => {
  it('reads the offsets Pinpoint writes, and refuses anything else', () => {
    // Act
    const read = [
      'UTC',
      'UTC+01',
      'UTC-05',
      'UTC+05:30',
      'UTC+05:45',
      'UTC-09:30',
      'UTC+1',
      'GMT+01',
      'UTC+15',
    ].map(offsetMinutes);
    // Assess
    expect(read).toEqual([0, 60, -300, 330, 345, -570, undefined, undefined, undefined]);
  });

  it('gives a zone that keeps each offset on a winter and a summer day, or none', () => {
    // Prepare
    const offsets = ['UTC', 'UTC+01', 'UTC-08', 'UTC+13', 'UTC+03:30', 'UTC+05:30', 'UTC+05:45', 'UTC+09:30'];
    // Act: 10:00 on the wall clock of each zone, in January and July, as the schedule trigger reads it.
    const kept = offsets.map((offset) => {
      const zone = zoneOfOffset(offset) ?? '';
      const minutes = offsetMinutes(offset) ?? 0;
      return ['2027-01-15T10:00', '2027-07-15T10:00'].every(
        (run) => memberDue(run, zone).dueAt === Date.parse(`${run}:00Z`) - minutes * 60_000,
      );
    });
    // Assess
    expect(kept).toEqual(offsets.map(() => true));
    expect(zoneOfOffset('UTC+01')).toBe('Etc/GMT-1');
    expect(zoneOfOffset('UTC+10:30')).toBeUndefined();
  });

  it('reads a time at an offset as a wall clock, and as an instant', () => {
    // Act
    const atOffset = wallClockOf('2026-11-02T09:00:00+01:00', 60);
    const inUtc = wallClockOf('2026-12-24T10:00:00.000Z', 0);
    const shifted = wallClockOf('2026-12-24T10:00:00Z', -480);
    const asWritten = wallClockOf('2026-12-24T10:00:00');
    // Assess
    expect([atOffset, inUtc, shifted, asWritten]).toEqual([
      '2026-11-02T09:00',
      '2026-12-24T10:00',
      '2026-12-24T02:00',
      '2026-12-24T10:00',
    ]);
    expect(wallClockOf('24/12/2026')).toBeUndefined();
    expect(instantOf('2020-01-15T16:00:46.223Z')).toBe('2020-01-15T16:00:46.223Z');
    expect(instantOf('2026-11-02T09:00:00+01:00')).toBe('2026-11-02T08:00:00Z');
    expect(instantOf('2026-11-02T09:00:00')).toBeUndefined();
  });
});
