/**
 * Pinpoint's schedule times in Cairn's terms. Pinpoint gives a schedule's `Timezone` as a fixed UTC offset
 * (`UTC`, `UTC+01`, `UTC+05:30`, `UTC-03`...) and its start and end as ISO 8601 instants; Cairn schedules take
 * an IANA zone and wall-clock date-times (`2026-12-24T10:00`).
 */

/** IANA zones that keep these offsets all year (none of them changes its clocks today). */
const FRACTIONAL: Record<string, string> = {
  '+03:30': 'Asia/Tehran',
  '+04:30': 'Asia/Kabul',
  '+05:30': 'Asia/Kolkata',
  '+05:45': 'Asia/Kathmandu',
  '+06:30': 'Asia/Yangon',
  '+08:45': 'Australia/Eucla',
  '+09:30': 'Australia/Darwin',
  '-09:30': 'Pacific/Marquesas',
};

const OFFSET = /^UTC(?:([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** The offset in minutes east of UTC of `UTC+05:30`-style text; undefined when it is not one. */
export function offsetMinutes(text: string): number | undefined {
  const match = OFFSET.exec(text.trim());
  if (!match) return undefined;
  const [, sign, hours, minutes] = match;
  if (sign === undefined) return 0;
  const total = Number(hours) * 60 + Number(minutes ?? 0);
  return total > 14 * 60 ? undefined : sign === '-' ? -total : total;
}

/**
 * The IANA zone that keeps a Pinpoint offset: `Etc/GMT-1` for `UTC+01` (the Etc names count the other way),
 * a zone without daylight saving for the half and quarter hours. Undefined for an offset no such zone keeps
 * (`UTC+10:30`, `UTC+12:45`: their zones change their clocks).
 */
export function zoneOfOffset(text: string): string | undefined {
  const minutes = offsetMinutes(text);
  if (minutes === undefined) return undefined;
  if (minutes === 0) return 'UTC';
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours >= -12 && hours <= 14 ? `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}` : undefined;
  }
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const key = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return FRACTIONAL[key];
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The wall-clock date-time (`YYYY-MM-DDTHH:MM`) of an ISO 8601 time: read in `offset` minutes east of UTC when
 * one is given (the instant as a clock at that offset shows it), else as written. Undefined when it is no ISO
 * date-time.
 */
export function wallClockOf(iso: string, offset?: number): string | undefined {
  const match = ISO.exec(iso.trim());
  if (!match) return undefined;
  const [, date, time, zone] = match;
  if (offset === undefined || zone === undefined) return `${date}T${time}`;
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return undefined;
  return new Date(instant + offset * 60_000).toISOString().slice(0, 16);
}

/** The instant of an ISO 8601 time as Cairn writes one (`2026-12-01T09:00:00Z`); undefined when it is none. */
export function instantOf(iso: string): string | undefined {
  const match = ISO.exec(iso.trim());
  const ms = match?.[3] === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}
