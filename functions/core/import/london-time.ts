/**
 * UK wall-clock times, as the Online Retail shop wrote its invoice dates, to instants. Pure, and the same
 * whenever it runs.
 */
import { DateTime, IANAZone } from 'luxon';

/** An instant: epoch milliseconds, and as an ISO-8601 UTC timestamp. */
export type When = { at: number; time: string };

/** A date and a time of day as written, not yet checked. */
export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

const LONDON = IANAZone.create('Europe/London');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Converts UK wall-clock times to instants. Luxon's DateTime.fromObject with a zone starts from the offset the
 * zone has at the present moment, so a time repeated by the autumn change came out GMT when imported in winter
 * and BST in summer; this starts from GMT whenever it runs. So a repeated time is GMT (the later instant), and a
 * time skipped by the spring change is read with GMT's offset, an hour on in BST (01:30 → 02:30 BST = 01:30Z).
 *
 * It remembers London's offset per UTC hour: asking Intl for it is otherwise most of an import's time. Use one
 * per import.
 */
export class LondonClock {
  readonly #offsets = new Map<number, number>();

  /** The instant of a UK wall-clock time; undefined for one that does not exist (30 February, 25:00). */
  instant(wall: WallClock): When | undefined {
    // As if UTC, which has no gaps or repeats: this only checks the calendar and the clock.
    const utc = DateTime.fromObject(wall, { zone: 'utc' });
    if (!utc.isValid) return undefined;
    const local = utc.toMillis();
    const offset = this.#offset(local);
    let at = local;
    if (offset !== 0) {
      // The instant `offset` earlier must have that offset too, else the time was skipped (luxon's rule).
      const guess = local - offset * MINUTE;
      const then = this.#offset(guess);
      at = then === offset ? guess : local - Math.min(offset, then) * MINUTE;
    }
    const time = DateTime.fromMillis(at, { zone: 'utc' }).toISO({ suppressMilliseconds: true });
    return time === null ? undefined : { at, time };
  }

  /** London's offset from UTC in minutes at an instant. */
  #offset(at: number): number {
    const hour = Math.floor(at / HOUR);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      const start = LONDON.offset(hour * HOUR);
      // UK changes happen on the hour (01:00Z); an hour with a change inside would be asked instant by instant.
      offset = start === LONDON.offset(hour * HOUR + HOUR - 1) ? start : Number.NaN;
      this.#offsets.set(hour, offset);
    }
    return Number.isNaN(offset) ? LONDON.offset(at) : offset;
  }
}
