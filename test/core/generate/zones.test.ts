import { describe, expect, it } from 'vitest';
import { localHour, utcOffsetMinutes, ZONES } from '../../../functions/core/generate/index.ts';

const MINUTE = 60_000;

/** The offset Intl (the IANA database bundled with Node) gives, in minutes: the oracle for the fixed table. */
function intlOffset(format: Intl.DateTimeFormat, utcMs: number): number {
  const parts = Object.fromEntries(format.formatToParts(utcMs).map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
  );
  return (local - (utcMs - (utcMs % MINUTE))) / MINUTE;
}

function formatFor(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
}

describe('the fixed offset table', () => {
  it('spans the world, one currency and at least one locale per zone', () => {
    expect(ZONES.length).toBeGreaterThanOrEqual(11);
    const offsets = new Set(ZONES.map((z) => z.standard));
    expect(Math.min(...offsets)).toBeLessThanOrEqual(-480);
    expect(Math.max(...offsets)).toBeGreaterThanOrEqual(720);
    for (const zone of ZONES) {
      expect(() => formatFor(zone.id)).not.toThrow();
      expect(zone.currency).toMatch(/^[A-Z]{3}$/);
      expect(zone.locales.length).toBeGreaterThan(0);
    }
  });

  it.each(ZONES.map((z) => [z.id, z] as const))('agrees with Intl for %s across 2026 and 2027', (_, zone) => {
    // Prepare: instants every 97 minutes (so every time of day comes up), and a minute either side of each
    // change of offset the table makes.
    const format = formatFor(zone.id);
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2028, 0, 1);
    const instants: number[] = [];
    for (let t = from; t < to; t += 97 * MINUTE) instants.push(t);
    for (let t = from; t < to; t += 60 * MINUTE) {
      if (utcOffsetMinutes(zone, t) !== utcOffsetMinutes(zone, t + 60 * MINUTE)) {
        for (let m = 0; m <= 60; m++) instants.push(t + m * MINUTE);
      }
    }
    // Act and assess
    const wrong = instants
      .filter((t) => utcOffsetMinutes(zone, t) !== intlOffset(format, t))
      .map(
        (t) =>
          `${new Date(t).toISOString()}: table ${utcOffsetMinutes(zone, t)}, Intl ${intlOffset(format, t)}`,
      );
    expect(wrong).toEqual([]);
  });

  it('gives the local hour, with daylight saving', () => {
    const zone = (id: string) => ZONES.find((z) => z.id === id) ?? expect.unreachable(`no zone ${id}`);
    expect(localHour(zone('Europe/London'), Date.parse('2026-07-01T12:30:00Z'))).toBe(13);
    expect(localHour(zone('Europe/London'), Date.parse('2026-12-01T12:30:00Z'))).toBe(12);
    expect(localHour(zone('America/Los_Angeles'), Date.parse('2026-11-02T02:00:00Z'))).toBe(18);
    expect(localHour(zone('Asia/Kolkata'), Date.parse('2026-11-01T20:00:00Z'))).toBe(1);
    expect(localHour(zone('Pacific/Auckland'), Date.parse('2026-11-01T20:00:00Z'))).toBe(9);
  });
});
