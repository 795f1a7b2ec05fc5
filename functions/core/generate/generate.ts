/**
 * A deterministic synthetic timeline of customer events: `cairn generate-events`, the demo, the simulator,
 * policy tests and benchmarks all use it.
 *
 * How it works: a discrete-event simulation over one min-heap ordered by (time, insertion order). The heap
 * holds, per customer, the start of their next session and the events already decided but not yet due
 * (the rest of the current session, late orders, refunds). Popping a session start runs the session, pushes
 * its events and schedules the next session; popping an event yields it. Every push is at or after the
 * instant being popped, so the output is sorted by time, and memory grows with the number of customers, not
 * with the number of events.
 *
 * Determinism: customers draw from their own pure-rand stream (see RandomStreams), and their marketing opt-ins
 * from a second stream of their own (keyedRandom), so that the opt-in shares leave the rest of what they do
 * unchanged. Times are whole seconds in UTC, local time comes from a fixed offset table (zones.ts), and nothing
 * reads the clock, Math.random or the machine's timezone. The same options give the same events, byte for byte, everywhere.
 *
 * The model, in brief (details in customers.ts and sessions.ts):
 * - 70% of customers sign up during the period, on a day spread evenly over it, with traits on `Signed Up`.
 *   The other 30% had an account before the period: they send no `Signed Up`; their first event (within the
 *   first days) carries their traits instead.
 * - Personas: browsers who never buy, one-time buyers, repeat buyers, a few VIPs, customers who lapse, and
 *   customers who pause for weeks and return.
 * - Carts are abandoned, ordered within 30 minutes, or ordered 40 minutes to 2 days later, with the same cartId.
 * - A share of customers opts in to marketing SMS and push (`smsOptIn`, `pushOptIn`), in `traits.consent` with
 *   the traits that identify them; those with a phone number or the app opt in first (people.ts).
 * - Events after the end of the period are not emitted.
 */

import { MinHeap } from '../collections/min-heap.ts';
import type { CustomerEvent } from '../events/index.ts';
import { type Customer, createCustomer, firstSession, nextSession, type Period } from './customers.ts';
import { keyedRandom, RandomStreams } from './random.ts';
import { runSession } from './sessions.ts';
import { DAY_MS } from './zones.ts';

export type GenerateOptions = {
  /** Number of customers, at least 1. */
  users: number;
  /** Length of the period in days, at least 1. */
  days: number;
  /** PRNG seed, an integer from 0 to 2^32 - 1. */
  seed: number;
  /** First day of the period, `YYYY-MM-DD`; the period starts at 00:00 UTC that day. */
  start: string;
  /** Share of events delivered a second time as an exact copy (same `id`), from 0 (the default) to 1. */
  duplicates?: number;
  /** Share of customers opted in to marketing SMS, from 0 to 1 (default GENERATE_DEFAULTS.smsOptIn). */
  smsOptIn?: number;
  /** Share of customers opted in to marketing push, from 0 to 1 (default GENERATE_DEFAULTS.pushOptIn). */
  pushOptIn?: number;
};

/**
 * The opt-in shares are of all customers, and rough:
 * - SMS 0.1: a retailer's SMS list is 2 to 10% the size of its email list (a survey of retailers by Cellit, as
 *   reported by Tatango); SMS sign-up forms have spread since, so the top of that range is taken, an assumption.
 * - push 0.22: about half of the 45% of customers who have the app (an assumption, people.ts) allow
 *   notifications. Appboy's 2016 study of 1.6 billion app users found 59% on Android and 40% on iOS
 *   (MarketingCharts, October 2016); Android has asked for the permission as iOS does since Android 13 (2022).
 */
export const GENERATE_DEFAULTS = {
  users: 100,
  days: 30,
  seed: 1,
  start: '2026-11-01',
  duplicates: 0,
  smsOptIn: 0.1,
  pushOptIn: 0.22,
} as const;
export const LIMITS = { users: 1_000_000, days: 3660, seed: 4_294_967_295 } as const;

/** Midnight UTC of a `YYYY-MM-DD` date from 1970 to 9000, or undefined when it is not one. */
export function parseStartDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1970 || year > 9000) return undefined;
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
    ? ms
    : undefined;
}

/** What is wrong with the options, one message each; empty when they are valid. */
export function checkGenerateOptions(options: GenerateOptions): string[] {
  const problems: string[] = [];
  const integer = (name: 'users' | 'days' | 'seed', min: number) => {
    const value = options[name];
    if (!Number.isSafeInteger(value) || value < min || value > LIMITS[name])
      problems.push(`${name} must be an integer from ${min} to ${LIMITS[name]}, got ${value}`);
  };
  integer('users', 1);
  integer('days', 1);
  integer('seed', 0);
  if (parseStartDate(options.start) === undefined)
    problems.push(`start must be a date YYYY-MM-DD from 1970 to 9000, got ${JSON.stringify(options.start)}`);
  const shares = {
    duplicates: options.duplicates ?? 0,
    smsOptIn: options.smsOptIn ?? GENERATE_DEFAULTS.smsOptIn,
    pushOptIn: options.pushOptIn ?? GENERATE_DEFAULTS.pushOptIn,
  };
  for (const [name, share] of Object.entries(shares))
    if (!(share >= 0 && share <= 1)) problems.push(`${name} must be from 0 to 1, got ${share}`);
  return problems;
}

/** The purpose in the key of a customer's marketing opt-in stream (keyedRandom: seed, customer number, purpose). */
const MARKETING_OPT_INS = 1;

type Item =
  | { at: number; seq: number; kind: 'session'; customer: Customer }
  | { at: number; seq: number; kind: 'event'; event: CustomerEvent; duplicate: boolean };

const before = (a: Item, b: Item) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** The events of `options.users` customers over `options.days` days, sorted by `time`. Throws RangeError on bad options. */
export function* generateEvents(options: GenerateOptions): Generator<CustomerEvent, void, undefined> {
  const problems = checkGenerateOptions(options);
  const start = parseStartDate(options.start);
  if (problems.length > 0 || start === undefined)
    throw new RangeError(`generateEvents: ${problems.join('; ')}`);
  const period: Period = { start, end: start + options.days * DAY_MS };
  const duplicates = options.duplicates ?? 0;
  const shares = {
    sms: options.smsOptIn ?? GENERATE_DEFAULTS.smsOptIn,
    push: options.pushOptIn ?? GENERATE_DEFAULTS.pushOptIn,
  };

  const streams = new RandomStreams(options.seed);
  // Stream 0 decides re-deliveries, so that the other events do not change with the duplicate rate.
  const redelivery = streams.next();
  const heap = new MinHeap<Item>(before);
  let seq = 0;
  for (let n = 1; n <= options.users; n++) {
    const marketing = { rng: keyedRandom(options.seed, n, MARKETING_OPT_INS), shares };
    const customer = createCustomer(streams.next(), n, marketing);
    const at = firstSession(customer, period, options.days);
    if (at < period.end) heap.push({ at, seq: seq++, kind: 'session', customer });
  }

  for (let item = heap.pop(); item !== undefined && item.at < period.end; item = heap.pop()) {
    if (item.kind === 'session') {
      const { customer } = item;
      const { events, end } = runSession(customer, item.at);
      for (const { at, event } of events)
        heap.push({ at, seq: seq++, kind: 'event', event, duplicate: false });
      const next = nextSession(customer, item.at, end, period);
      if (next !== undefined) heap.push({ at: next, seq: seq++, kind: 'session', customer });
      continue;
    }
    yield item.event;
    // At-least-once delivery: the same event again, identical down to its id and time, after the original.
    if (duplicates > 0 && !item.duplicate && redelivery.chance(duplicates))
      heap.push({
        at: item.at,
        seq: seq++,
        kind: 'event',
        event: structuredClone(item.event),
        duplicate: true,
      });
  }
}
