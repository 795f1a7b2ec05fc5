/**
 * Synthetic customers: who they are, how they behave, and when their sessions happen.
 *
 * Every customer gets one persona (shares in PERSONAS) that sets how often they visit, how much they browse,
 * how often they fill a cart and how often a cart becomes an order. Lapsing customers stop visiting after a
 * while; returning customers pause for two to four weeks, then come back.
 *
 * Sessions start in the customer's local daytime and evening (HOUR_WEIGHTS: about 97% between 07:00 and
 * 23:59), in their real timezone even when the `timezone` trait is missing.
 */
import { CATEGORIES } from './catalog.ts';
import {
  createIdentity,
  type Identity,
  type MarketingOptIns,
  type MarketingShares,
  optInToMarketing,
} from './people.ts';
import type { Random } from './random.ts';
import { DAY_MS, localToUtc, utcToLocal, ZONES, type Zone } from './zones.ts';

export type Persona = 'browser' | 'one-time' | 'repeat' | 'vip' | 'lapsing' | 'returning';
type Range = readonly [number, number];

export type Behaviour = {
  /** Share of customers, in percent. */
  weight: number;
  /** Days from one session to the next (0: later the same day). */
  gapDays: Range;
  /** Products viewed per session. */
  views: Range;
  /** Chance, in percent, that a session puts products in a cart. */
  addPercent: number;
  /** Chance, in percent, that a cart is ordered. */
  orderPercent: number;
  /** Distinct products per cart, and units of each. */
  items: Range;
  quantity: Range;
  /** Chance, in percent, that a product looked at is a big-ticket item. */
  premiumPercent: number;
  /** Chance, in percent, that an order is refunded. */
  refundPercent: number;
};

const REPEAT: Behaviour = {
  weight: 24,
  gapDays: [1, 7],
  views: [1, 6],
  addPercent: 50,
  orderPercent: 65,
  items: [1, 3],
  quantity: [1, 2],
  premiumPercent: 5,
  refundPercent: 4,
};

export const PERSONAS: Record<Persona, Behaviour> = {
  /** Looks, sometimes fills a cart, never buys. */
  browser: {
    ...REPEAT,
    weight: 30,
    gapDays: [1, 12],
    views: [1, 5],
    addPercent: 20,
    orderPercent: 0,
    items: [1, 2],
    quantity: [1, 1],
  },
  /** Buys once (most likely early), then visits less often and never buys again. */
  'one-time': { ...REPEAT, weight: 22, gapDays: [2, 10], views: [1, 4], addPercent: 45, orderPercent: 60 },
  /** Comes back every few days and buys about two carts in three. */
  repeat: REPEAT,
  /** Visits almost daily, buys big-ticket items and consumables by the handful: the VIPs of the lifecycle stages. */
  vip: {
    ...REPEAT,
    weight: 4,
    gapDays: [0, 3],
    views: [2, 8],
    addPercent: 70,
    orderPercent: 80,
    items: [1, 4],
    quantity: [1, 3],
    premiumPercent: 35,
    refundPercent: 6,
  },
  /** Like a repeat buyer, then stops for good after 5 days to half the period. */
  lapsing: { ...REPEAT, weight: 12 },
  /** Like a repeat buyer, pauses for 14 to 30 days after 4 to 10 days, then comes back. */
  returning: { ...REPEAT, weight: 8 },
};

const PERSONA_NAMES: readonly Persona[] = ['browser', 'one-time', 'repeat', 'vip', 'lapsing', 'returning'];

/** Relative weights of the local hour (0 to 23) at which a session starts. */
const HOUR_WEIGHTS: readonly (readonly [number, number])[] = [
  3, 2, 1, 1, 1, 1, 3, 12, 25, 30, 30, 35, 40, 35, 30, 30, 32, 38, 45, 50, 50, 45, 30, 12,
].map((weight, hour) => [hour, weight] as const);

/** Shares, in percent: customers who sign up during the period (the others already had an account). */
const SIGN_UP_PERCENT = 70;
/** Customers whose timezone the app never learns. */
const NO_TIMEZONE_PERCENT = 8;

export type Period = { start: number; end: number };

export type Customer = {
  number: number;
  userId: string;
  rng: Random;
  zone: Zone;
  identity: Identity;
  persona: Persona;
  behaviour: Behaviour;
  /** The marketing the customer opted in to; sent in `traits.consent` when they are identified. */
  optIns: MarketingOptIns;
  /** Whether the app knows the customer's timezone (trait and context). */
  knowsTimezone: boolean;
  /** Signs up during the period; otherwise the customer already exists and their first event identifies them. */
  signsUp: boolean;
  /** Traits have been sent (on `Signed Up` or, for existing customers, on their first event). */
  identified: boolean;
  favouriteCategory: string;
  /** No session starts at or after this instant. */
  activeUntil: number;
  /** No session starts in [from, to). */
  pause: { from: number; to: number } | undefined;
  carts: number;
  orders: number;
  /** Events sent, for `detail.eventId`. */
  events: number;
};

const MINUTE = 60_000;

/**
 * A customer drawn from their stream `rng`; their marketing opt-ins are drawn from `marketing.rng`, a stream of
 * their own for that, so that the shares change nothing else about them (people.ts, optInToMarketing).
 */
export function createCustomer(
  rng: Random,
  number: number,
  marketing: { rng: Random; shares: MarketingShares },
): Customer {
  const persona = rng.weighted(PERSONA_NAMES.map((name) => [name, PERSONAS[name].weight] as const));
  const zone = rng.weighted(ZONES.map((z) => [z, z.weight] as const));
  const identity = createIdentity(rng, zone, number);
  return {
    number,
    userId: `usr_${String(number).padStart(6, '0')}`,
    rng,
    zone,
    identity,
    optIns: optInToMarketing(marketing.rng, identity, zone, marketing.shares),
    persona,
    behaviour: PERSONAS[persona],
    knowsTimezone: !rng.chance(NO_TIMEZONE_PERCENT / 100),
    signsUp: rng.chance(SIGN_UP_PERCENT / 100),
    identified: false,
    favouriteCategory: rng.pick(CATEGORIES),
    activeUntil: Number.POSITIVE_INFINITY,
    pause: undefined,
    carts: 0,
    orders: 0,
    events: 0,
  };
}

/** A session start on local calendar day `localDay` (days since 1970-01-01 on the customer's wall clock). */
function sessionOn(c: Customer, localDay: number): number {
  const hour = c.rng.weighted(HOUR_WEIGHTS);
  const local = localDay * DAY_MS + hour * 60 * MINUTE + c.rng.int(0, 59) * MINUTE + c.rng.int(0, 59) * 1000;
  return localToUtc(c.zone, local);
}

function localDayOf(c: Customer, utcMs: number): number {
  return Math.floor(utcToLocal(c.zone, utcMs) / DAY_MS);
}

/** When the customer's first session in the period starts, and their lapse or pause from then on. */
export function firstSession(c: Customer, period: Period, days: number): number {
  const startDay = Math.floor(period.start / DAY_MS);
  const lastDay = c.signsUp ? days - 1 : Math.min(days - 1, c.behaviour.gapDays[1] + 2);
  let first = sessionOn(c, startDay + c.rng.int(0, lastDay));
  if (first < period.start) first += DAY_MS;
  if (c.persona === 'lapsing') {
    c.activeUntil = first + c.rng.int(5, Math.max(6, Math.floor(days / 2))) * DAY_MS;
  } else if (c.persona === 'returning') {
    const from = first + c.rng.int(4, 10) * DAY_MS;
    c.pause = { from, to: from + c.rng.int(14, 30) * DAY_MS };
  }
  return first;
}

/** The start of the session after one that started at `started` and ended at `ended`, if any in the period. */
export function nextSession(c: Customer, started: number, ended: number, period: Period): number | undefined {
  const [min, max] = c.behaviour.gapDays;
  // A one-time buyer who has bought comes less often; still, only a pause or a lapse makes a gap of 14 days.
  const slower = c.persona === 'one-time' && c.orders > 0 ? 3 : 0;
  let day = localDayOf(c, started) + c.rng.int(min, max) + slower;
  let next = sessionOn(c, day);
  while (next < ended + 60 * MINUTE) {
    day += 1;
    next = sessionOn(c, day);
  }
  if (c.pause !== undefined && next >= c.pause.from && next < c.pause.to) {
    next = sessionOn(c, localDayOf(c, c.pause.to) + c.rng.int(0, 2));
  }
  return next >= c.activeUntil || next >= period.end ? undefined : next;
}
