import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type CustomerEvent,
  formatEventProblem,
  parseCustomerEvent,
} from '../../../functions/core/events/index.ts';
import {
  checkGenerateOptions,
  type GenerateOptions,
  generateEvents,
  parseStartDate,
} from '../../../functions/core/generate/index.ts';
import { applyEventToProfile, emptyProfile, type Profile } from '../../../functions/core/profile/profile.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SMALL: GenerateOptions = { users: 40, days: 10, seed: 42, start: '2026-11-01' };
const LARGE: GenerateOptions = { users: 500, days: 30, seed: 7, start: '2026-11-01' };

function lines(options: GenerateOptions): string[] {
  return Array.from(generateEvents(options), (e) => JSON.stringify(e));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const events: CustomerEvent[] = [...generateEvents(LARGE)];

describe('generateEvents: determinism', () => {
  it('gives identical output for the same options, and different output for another seed', () => {
    expect(lines(SMALL)).toEqual(lines(SMALL));
    expect(lines({ ...SMALL, seed: 43 })).not.toEqual(lines(SMALL));
  });

  it('does not depend on the timezone of the machine', () => {
    // Prepare
    const before = process.env.TZ;
    const expected = lines(SMALL);
    try {
      // Act
      process.env.TZ = 'Pacific/Kiritimati';
      const kiritimati = lines(SMALL);
      process.env.TZ = 'America/Adak';
      const adak = lines(SMALL);
      // Assess
      expect(new Date(Date.UTC(2026, 10, 1)).getHours()).not.toBe(0); // the change of zone took effect
      expect(kiritimati).toEqual(expected);
      expect(adak).toEqual(expected);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('keeps the output of a seed stable across machines and releases (update the hash only on purpose)', () => {
    const hash = createHash('sha256').update(lines(SMALL).join('\n')).digest('hex');
    expect(hash).toBe('475213c40d9f6541985cd667a45738fa30c6885a0ba7e64c368fed373002d7c6');
  });

  it('gives each customer the same events whatever the number of other customers', () => {
    const byUser = (options: GenerateOptions, userId: string) =>
      lines(options).filter((l) => l.includes(`"userId":"${userId}"`));
    for (const userId of ['usr_000001', 'usr_000017', 'usr_000040'])
      expect(byUser(SMALL, userId)).toEqual(byUser({ ...SMALL, users: 120 }, userId));
  });
});

describe('generateEvents: the contract', () => {
  it('gives only events that pass parseCustomerEvent, unchanged by parsing', () => {
    const problems: string[] = [];
    for (const event of events) {
      const parsed = parseCustomerEvent(JSON.parse(JSON.stringify(event)));
      if (!parsed.ok) problems.push(...parsed.problems.map(formatEventProblem));
      else if (!isDeepStrictEqual(parsed.event, event)) problems.push(`event ${event.id} changed by parsing`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Consent included: the default shares opt some customers in.
    expect(events.some((e) => e.detail.traits?.consent !== undefined)).toBe(true);
  });

  it('is sorted by time, within the period, with unique UUID ids and unique eventIds', () => {
    const times = events.map((e) => Date.parse(e.time));
    expect(times.every((t, i) => i === 0 || (times[i - 1] ?? t) <= t)).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse('2026-11-01T00:00:00Z'));
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-12-01T00:00:00Z'));
    for (const e of events) {
      expect(e.id).toMatch(UUID);
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
  });

  it('gives orders and refunds the properties the journeys and revenue reports use', () => {
    const orders = events.filter((e) => e['detail-type'] === 'Order Completed');
    const orderIds = new Set(orders.map((o) => text(o.detail.properties.orderId)));
    for (const o of orders) {
      const p = o.detail.properties;
      expect([p.orderId, p.cartId, p.category, p.currency].map(text)).not.toContain(undefined);
      expect(p.revenue).toBeGreaterThan(0);
      expect(Array.isArray(p.products) && p.products.length > 0).toBe(true);
    }
    const refunds = events.filter((e) => e['detail-type'] === 'Order Refunded');
    expect(refunds.length).toBeGreaterThan(0);
    for (const r of refunds) expect(orderIds.has(text(r.detail.properties.orderId))).toBe(true);
    for (const e of events.filter((e) => e['detail-type'] === 'Product Added')) {
      const p = e.detail.properties;
      expect([p.cartId, p.productId, p.category, p.currency].map(text)).not.toContain(undefined);
      expect(typeof p.price === 'number' && typeof p.quantity === 'number').toBe(true);
    }
  });
});

describe('generateEvents: a realistic mix over 500 customers and 30 days', () => {
  const traits = events.flatMap((e) =>
    e.detail.traits?.email === undefined ? [] : [{ e, t: e.detail.traits }],
  );

  it('has sign-ups with fictional contact details, some without a phone or a timezone', () => {
    const signUps = events.filter((e) => e['detail-type'] === 'Signed Up');
    expect(signUps.length).toBeGreaterThan(250);
    expect(signUps.length).toBeLessThan(450); // some customers existed before the period
    expect(traits.length).toBe(new Set(events.map((e) => e.detail.userId)).size);
    for (const { t } of traits) {
      expect(t.email).toMatch(/^[a-z.]+\d+@example\.(com|org|net)$/);
      if (t.phone !== undefined) expect(t.phone).toMatch(/^\+[1-9]\d{7,14}$/);
    }
    const noPhone = traits.filter(({ t }) => t.phone === undefined).length;
    const noZone = traits.filter(({ t }) => t.timezone === undefined).length;
    expect(noPhone / traits.length).toBeGreaterThan(0.08);
    expect(noZone).toBeGreaterThan(10);
    expect(new Set(traits.map(({ t }) => t.timezone)).size).toBeGreaterThanOrEqual(10);
    expect(traits.filter(({ e }) => e.detail.context?.device?.platform === 'APNS').length).toBeGreaterThan(
      20,
    );
    expect(traits.filter(({ e }) => e.detail.context?.device?.platform === 'FCM').length).toBeGreaterThan(20);
  });

  it('has carts abandoned, ordered within 30 minutes, and ordered later with the same cartId', () => {
    const firstAdd = new Map<string, number>();
    const orderAt = new Map<string, number>();
    for (const e of events) {
      const cartId = text(e.detail.properties.cartId);
      if (cartId === undefined) continue;
      if (e['detail-type'] === 'Product Added' && !firstAdd.has(cartId))
        firstAdd.set(cartId, Date.parse(e.time));
      if (e['detail-type'] === 'Order Completed') orderAt.set(cartId, Date.parse(e.time));
    }
    const minutes = [...firstAdd].map(([cartId, added]) => {
      const ordered = orderAt.get(cartId);
      return ordered === undefined ? undefined : (ordered - added) / 60_000;
    });
    const ordered = minutes.flatMap((m) => (m === undefined ? [] : [m]));
    const abandoned = minutes.length - ordered.length;
    const quick = ordered.filter((m) => m < 30).length;
    const late = ordered.filter((m) => m >= 30);
    expect(abandoned).toBeGreaterThan(100);
    expect(quick).toBeGreaterThan(100);
    expect(late.length).toBeGreaterThan(50);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(40);
    expect(late.some((m) => m > 24 * 60)).toBe(true);
    expect([...orderAt.keys()].every((cartId) => firstAdd.has(cartId))).toBe(true);
  });

  it('has one-time buyers, repeat buyers, heavy spenders and customers who never buy', () => {
    const orders = new Map<string, number>();
    for (const e of events.filter((e) => e['detail-type'] === 'Order Completed'))
      orders.set(e.detail.userId, (orders.get(e.detail.userId) ?? 0) + 1);
    const counts = [...orders.values()];
    expect(counts.filter((n) => n === 1).length).toBeGreaterThan(50);
    expect(counts.filter((n) => n >= 2).length).toBeGreaterThan(50);
    expect(counts.filter((n) => n >= 6).length).toBeGreaterThan(5);
    expect(500 - orders.size).toBeGreaterThan(100);
  });

  it('has customers who lapse, and customers who come back after more than two weeks', () => {
    const seen = new Map<string, number[]>();
    for (const e of events)
      seen.set(e.detail.userId, [...(seen.get(e.detail.userId) ?? []), Date.parse(e.time)]);
    const day = 86_400_000;
    const end = Date.parse('2026-12-01T00:00:00Z');
    const active = [...seen.values()].filter((t) => t.length >= 10);
    // Other customers never go more than 14 days without an event (customers.ts), so longer gaps are lapses.
    const lapsed = active.filter((t) => end - Math.max(...t) > 16 * day);
    const returned = active.filter((t) => t.some((x, i) => i > 0 && x - (t[i - 1] ?? x) > 15 * day));
    expect(lapsed.length).toBeGreaterThan(10);
    expect(returned.length).toBeGreaterThan(5);
  });

  it('puts most events in the customer’s local hours 07 to 23', () => {
    const formats = new Map<string, Intl.DateTimeFormat>();
    const hourIn = (zone: string, time: string) => {
      let format = formats.get(zone);
      if (format === undefined) {
        format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' });
        formats.set(zone, format);
      }
      return Number(format.format(Date.parse(time)));
    };
    const zoneOf = new Map(
      traits.flatMap(({ e, t }) => (t.timezone ? [[e.detail.userId, t.timezone] as const] : [])),
    );
    const hours = events.flatMap((e) => {
      const zone = zoneOf.get(e.detail.userId);
      return zone === undefined ? [] : [hourIn(zone, e.time)];
    });
    expect(hours.length).toBeGreaterThan(events.length * 0.8);
    expect(hours.filter((h) => h >= 7).length / hours.length).toBeGreaterThan(0.9);
  });

  it('uses one currency per customer, the one of their zone', () => {
    const currencies = new Map<string, Set<string>>();
    for (const e of events) {
      const currency = text(e.detail.properties.currency);
      if (currency === undefined) continue;
      currencies.set(e.detail.userId, (currencies.get(e.detail.userId) ?? new Set()).add(currency));
    }
    expect([...currencies.values()].every((c) => c.size === 1)).toBe(true);
    expect(new Set([...currencies.values()].flatMap((c) => [...c])).size).toBeGreaterThanOrEqual(8);
  });
});

describe('generateEvents: duplicates', () => {
  it('re-delivers a share of events as exact copies, after the original, leaving the rest unchanged', () => {
    // Prepare
    const plain = lines({ ...SMALL, users: 200 });
    // Act
    const withCopies = lines({ ...SMALL, users: 200, duplicates: 0.05 });
    // Assess
    const ids = withCopies.map((l) => text(JSON.parse(l).id) ?? '');
    const firstIndex = new Map<string, number>();
    const copies: number[] = [];
    ids.forEach((id, i) => {
      if (firstIndex.has(id)) copies.push(i);
      else firstIndex.set(id, i);
    });
    expect(copies.length).toBeGreaterThan(plain.length * 0.03);
    expect(copies.length).toBeLessThan(plain.length * 0.07);
    for (const i of copies) {
      const original = firstIndex.get(ids[i] ?? '') ?? -1;
      expect(withCopies[i]).toBe(withCopies[original]);
      expect(original).toBeLessThan(i);
    }
    expect(withCopies.filter((_, i) => !copies.includes(i))).toEqual(plain);
    expect(lines({ ...SMALL, users: 200, duplicates: 0 })).toEqual(plain);
  });
});

describe('generateEvents: marketing consent', () => {
  /** Each customer's profile after their events, as ingest builds it, by user id. */
  function profiles(options: GenerateOptions): Map<string, Profile> {
    const byUser = new Map<string, Profile>();
    for (const event of generateEvents(options)) {
      const before = byUser.get(event.detail.userId) ?? emptyProfile();
      byUser.set(event.detail.userId, applyEventToProfile(before, event, Date.parse(event.time)));
    }
    return byUser;
  }
  const OPTED_IN = { users: 3000, days: 3, seed: 5, start: '2026-11-01', smsOptIn: 0.3, pushOptIn: 0.5 };

  it('opts in the share of customers asked for, in traits.consent as profiles record it', () => {
    // Act
    const customers = [...profiles(OPTED_IN).values()];

    // Assess: within 4.5 standard deviations of a binomial draw per customer.
    const near = (count: number, share: number) =>
      Math.abs(count - customers.length * share) < 4.5 * Math.sqrt(customers.length * share * (1 - share));
    const sms = customers.filter((p) => p.consent['sms:marketing']?.status === 'opted_in');
    const push = customers.filter((p) => p.consent['push:marketing']?.status === 'opted_in');
    expect(customers.length).toBeGreaterThan(2500);
    expect(near(sms.length, 0.3)).toBe(true);
    expect(near(push.length, 0.5)).toBe(true);
    expect(push.every((p) => p.devices.some((d) => d.active))).toBe(true);
    // Every SMS opt-in comes with a number; the UK's are in Ofcom's drama range, which profiles refuse.
    expect(sms.every((p) => typeof p.traits.phone === 'string')).toBe(true);
    expect(sms.filter((p) => p.phone !== undefined).length).toBeGreaterThan(sms.length * 0.75);
  });

  it('opts in nobody at shares of 0', () => {
    // Act
    const customers = [...profiles({ ...OPTED_IN, smsOptIn: 0, pushOptIn: 0 }).values()];

    // Assess
    expect(customers.length).toBeGreaterThan(2500);
    expect(customers.filter((p) => Object.keys(p.consent).length > 0)).toEqual([]);
  });

  it('changes nothing but the consent traits, at shares the customers with a number and the app cover', () => {
    // Prepare
    const withoutConsent = (line: string) => {
      const event: CustomerEvent = JSON.parse(line);
      delete event.detail.traits?.consent;
      return JSON.stringify(event);
    };

    // Act
    const none = lines({ ...SMALL, users: 300, smsOptIn: 0, pushOptIn: 0 });
    const some = lines({ ...SMALL, users: 300, smsOptIn: 0.5, pushOptIn: 0.4 });

    // Assess
    expect(some).not.toEqual(none);
    expect(some.map(withoutConsent)).toEqual(none);
  });
});

describe('options', () => {
  it('refuses bad options with a clear message', () => {
    expect(checkGenerateOptions(SMALL)).toEqual([]);
    expect(checkGenerateOptions({ ...SMALL, users: 0, days: 1.5, seed: -1 })).toEqual([
      'users must be an integer from 1 to 1000000, got 0',
      'days must be an integer from 1 to 3660, got 1.5',
      'seed must be an integer from 0 to 4294967295, got -1',
    ]);
    expect(checkGenerateOptions({ ...SMALL, start: '2026-02-30', duplicates: 2 })).toEqual([
      'start must be a date YYYY-MM-DD from 1970 to 9000, got "2026-02-30"',
      'duplicates must be from 0 to 1, got 2',
    ]);
    expect(checkGenerateOptions({ ...SMALL, smsOptIn: -0.1, pushOptIn: Number.NaN })).toEqual([
      'smsOptIn must be from 0 to 1, got -0.1',
      'pushOptIn must be from 0 to 1, got NaN',
    ]);
    expect(() => generateEvents({ ...SMALL, users: 0 }).next()).toThrow(RangeError);
  });

  it('reads a start date as midnight UTC', () => {
    expect(parseStartDate('2026-11-01')).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseStartDate('2028-02-29')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    for (const bad of ['2026-02-29', '2026-13-01', '26-11-01', '2026-11-01T00:00:00Z', 'tomorrow', ''])
      expect(parseStartDate(bad)).toBeUndefined();
  });
});
