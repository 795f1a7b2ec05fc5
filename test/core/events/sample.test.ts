import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CustomerEvent,
  dedupeKey,
  formatEventProblem,
  parseNdjsonEvents,
} from '../../../functions/core/events/index.ts';

const SAMPLE = new URL('../../../journeys/events/sample.ndjson', import.meta.url);

const lines = parseNdjsonEvents(readFileSync(SAMPLE, 'utf8'));
const events: CustomerEvent[] = lines.flatMap((l) => ('event' in l ? [l.event] : []));

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function minutesBetween(a: CustomerEvent, b: CustomerEvent): number {
  return (Date.parse(b.time) - Date.parse(a.time)) / 60_000;
}

describe('journeys/events/sample.ndjson', () => {
  it('is entirely valid and of a useful size', () => {
    const problems = lines.flatMap((l) =>
      'problems' in l ? l.problems.map((p) => `line ${l.line}: ${formatEventProblem(p)}`) : [],
    );
    expect(problems).toEqual([]);
    expect(events.length).toBeGreaterThanOrEqual(40);
    expect(events.length).toBeLessThanOrEqual(80);
  });

  it('uses full envelopes with unique ids and dedupe keys, from the shop, in November 2026, sorted by time', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(new Set(events.map(dedupeKey)).size).toBe(events.length);
    for (const e of events) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(e.source).toBe('com.example.shop');
      expect(e.account).toMatch(/^\d{12}$/);
      expect(e.region).toBeDefined();
      expect(e.time.startsWith('2026-11-')).toBe(true);
    }
    const times = events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('gives every signed-up user contact traits with an E.164 phone and an IANA timezone', () => {
    const signUps = events.filter((e) => e['detail-type'] === 'Signed Up');
    expect(signUps.length).toBeGreaterThanOrEqual(5);
    for (const e of signUps) {
      const traits = e.detail.traits;
      expect(traits?.email).toMatch(/^[^@\s]+@example\.[a-z.]+$/);
      expect(traits?.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: traits?.timezone })).not.toThrow();
      expect(traits?.locale).toBeDefined();
    }
  });

  it('covers the cart scenarios the sample journeys need', () => {
    const firstAdd = new Map<string, CustomerEvent>();
    const orders = new Map<string, CustomerEvent>();
    for (const e of events) {
      const cartId = text(e.detail.properties.cartId);
      if (cartId === undefined) continue;
      if (e['detail-type'] === 'Product Added' && !firstAdd.has(cartId)) firstAdd.set(cartId, e);
      if (e['detail-type'] === 'Order Completed') orders.set(cartId, e);
    }
    const gaps = [...firstAdd].map(([cartId, added]) => {
      const order = orders.get(cartId);
      return order === undefined ? undefined : minutesBetween(added, order);
    });
    expect(gaps).toContain(undefined); // abandoned, never ordered
    expect(gaps).toContain(40); // abandoned, ordered 40 minutes later
    expect(gaps.some((g) => g !== undefined && g < 30)).toBe(true); // ordered within 30 minutes
  });

  it('has orders with the properties cross-sell and revenue reports use, and a refund of a real order', () => {
    const orders = events.filter((e) => e['detail-type'] === 'Order Completed');
    expect(orders.length).toBeGreaterThanOrEqual(3);
    for (const o of orders) {
      const p = o.detail.properties;
      expect(text(p.orderId)).toBeDefined();
      expect(text(p.cartId)).toBeDefined();
      expect(text(p.category)).toBeDefined();
      expect(typeof p.revenue).toBe('number');
      expect(text(p.currency)).toMatch(/^[A-Z]{3}$/);
      expect(Array.isArray(p.products)).toBe(true);
    }
    const refunds = events.filter((e) => e['detail-type'] === 'Order Refunded');
    expect(refunds.length).toBeGreaterThanOrEqual(1);
    const orderIds = new Set(orders.map((o) => text(o.detail.properties.orderId)));
    for (const r of refunds) expect(orderIds.has(text(r.detail.properties.orderId))).toBe(true);
  });
});
