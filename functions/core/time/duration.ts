/**
 * ISO-8601 durations restricted to fixed-length units (weeks, days, hours, minutes, seconds).
 * Years and months are refused on purpose: their length depends on the calendar, and a journey
 * wait of "P1M" would mean a different number of days for each customer.
 */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const MS_PER = { week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1_000 };

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string };

export function parseDuration(text: string): DurationParse {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    const hint = /^P\d+[YM]/.test(text) ? ' (years and months are not allowed: use days, e.g. P30D)' : '';
    return {
      ok: false,
      message: `expected an ISO-8601 duration such as PT30M, P1D or P2W, got "${text}"${hint}`,
    };
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const ms =
    Number(weeks ?? 0) * MS_PER.week +
    Number(days ?? 0) * MS_PER.day +
    Number(hours ?? 0) * MS_PER.hour +
    Number(minutes ?? 0) * MS_PER.minute +
    Number(seconds ?? 0) * MS_PER.second;
  if (ms === 0) return { ok: false, message: `expected a duration longer than zero, got "${text}"` };
  return { ok: true, ms };
}

export function durationMs(text: string): number {
  // Remembered: the engine asks on every wait step, entry check and capped send for the few durations the
  // journeys and policies name, and the regular expression was most of a short wait's cost.
  const known = durations.get(text);
  if (known !== undefined) return known;
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  if (durations.size >= MAX_REMEMBERED_DURATIONS) durations.clear();
  durations.set(text, parsed.ms);
  return parsed.ms;
}

const durations = new Map<string, number>();
/** Bounded, though durations come from the configuration, not from events. */
const MAX_REMEMBERED_DURATIONS = 1_000;

const UNIT_WORDS = ['week', 'day', 'hour', 'minute', 'second'] as const;

/** A duration as people say it, for diagrams: `P1D` is `1 day`, `PT1H30M` is `1 hour 30 minutes`. */
export function durationInWords(text: string): string {
  const match = DURATION.exec(text);
  if (!match) return text;
  const words = UNIT_WORDS.flatMap((unit, i) => {
    const count = Number(match[i + 1] ?? 0);
    return count === 0 ? [] : [`${count} ${unit}${count === 1 ? '' : 's'}`];
  });
  return words.length === 0 ? text : words.join(' ');
}
