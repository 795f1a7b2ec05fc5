/**
 * importOnlineRetail over the two published Online Retail files in ../shared/data (described in its README.md),
 * so that a change in what it reads, writes or skips shows up as a changed figure here.
 */
import { describe, expect, it } from 'vitest';
import { type CustomerEvent, parseCustomerEvent } from '../../../functions/core/events/index.ts';
import { type ImportResult, importOnlineRetail, type Skip } from '../../../functions/core/import/index.ts';
import { readSharedData } from '../../support/shared-data.ts';

/** Imports a published file once, for all the tests of its block. */
function once(run: () => ImportResult): () => ImportResult {
  let result: ImportResult | undefined;
  return () => {
    result ??= run();
    return result;
  };
}

const invoiceLevel = once(() =>
  importOnlineRetail(readSharedData('online-retail/OnlineRetail_invoice_level.csv', 'latin1')),
);
const lineItems = once(() =>
  importOnlineRetail(readSharedData('online-retail/OnlineRetail_30k_random_sample.csv', 'latin1')),
);

function skipsOf(skips: Skip[]): Record<string, string> {
  return Object.fromEntries(skips.map((s) => [s.kind, `${s.count} ${s.unit}s, ${s.rows} rows`]));
}

function skipped(skips: Skip[]): number {
  return skips.reduce((sum, s) => sum + s.count, 0);
}

/**
 * The contract problems of one event of each type and country (what varies in how events are built; checking
 * them all would double the time of these tests), and whether the timeline is sorted with unique ids.
 */
function check(events: CustomerEvent[]): { invalid: string[]; sorted: boolean; uniqueIds: boolean } {
  const kinds = new Map<string, CustomerEvent>();
  for (const e of events) {
    const key = `${e['detail-type']} ${JSON.stringify(e.detail.traits)}`;
    if (!kinds.has(key)) kinds.set(key, e);
  }
  const invalid = [...kinds.values()].flatMap((e) => {
    const parsed = parseCustomerEvent(JSON.parse(JSON.stringify(e)));
    return parsed.ok ? [] : [`${e.detail.eventId}: ${JSON.stringify(parsed.problems)}`];
  });
  const times = events.map((e) => Date.parse(e.time));
  const sorted = times.every((t, i) => i === 0 || (times[i - 1] ?? t) <= t);
  return { invalid, sorted, uniqueIds: new Set(events.map((e) => e.id)).size === events.length };
}

describe('OnlineRetail_invoice_level.csv', () => {
  it('reads 25,943 rows into 18,532 orders and 3,454 refunds, and says why the other invoices were skipped', () => {
    // Act
    const { report } = invoiceLevel();
    // Assess
    expect(report).toMatchObject({ format: 'invoice-level', rowsRead: 25_943, eventsWritten: 21_986 });
    expect(report.eventsByType).toEqual({ 'Order Completed': 18_532, 'Order Refunded': 3_454 });
    // The three A… adjustments have no customer, so they count as missing-customer.
    expect(skipsOf(report.skips)).toEqual({
      'missing-customer': '3710 invoices, 3722 rows',
      'non-positive-amount': '4 invoices, 4 rows',
      'cancellation-without-order': '200 invoices, 200 rows',
    });
    // Every one of the README's 25,900 distinct invoices is an event or a counted skip.
    expect(report.eventsWritten + skipped(report.skips)).toBe(25_900);
    expect(report.notes).toEqual([
      'invoices spanning several rows, merged (quantities and amounts added, earliest time): 43',
      'events without a timezone because Country "European Community" names no country: 5',
      'events without a timezone because Country "Unspecified" names no country: 8',
    ]);
    expect(report.error).toBeUndefined();
  });

  it('writes valid events, sorted by time, from 2010-12-01 to 2011-12-09 for 4,338 customers', () => {
    const { events } = invoiceLevel();
    expect(check(events)).toEqual({ invalid: [], sorted: true, uniqueIds: true });
    expect(new Set(events.map((e) => e.detail.userId)).size).toBe(4_338);
    expect(events[0]?.time).toBe('2010-12-01T08:26:00Z');
    expect(events.at(-1)?.time).toBe('2011-12-09T12:50:00Z');
    // 536591 spans two rows: 81 × 2.7826 at 16:57 and 12 × 3.89 at 16:58.
    const merged = events.find((e) => e.detail.properties.orderId === '536591');
    expect(merged?.time).toBe('2010-12-01T16:57:00Z');
    expect(merged?.detail.properties).toMatchObject({ revenue: 272.07, quantity: 93 });
  });
});

describe('OnlineRetail_30k_random_sample.csv', () => {
  it('reads 30,000 line items into 11,206 orders and 451 refunds, and skips the 2,000 rows without a customer', () => {
    const { events, report } = lineItems();
    expect(report).toMatchObject({ format: 'line-items', rowsRead: 30_000, eventsWritten: 11_657 });
    expect(report.eventsByType).toEqual({ 'Order Completed': 11_206, 'Order Refunded': 451 });
    expect(skipsOf(report.skips)).toEqual({
      'missing-customer': '665 invoices, 2000 rows',
      'non-positive-amount': '2 invoices, 2 rows',
      'cancellation-without-order': '68 invoices, 71 rows',
    });
    expect(report.eventsWritten + skipped(report.skips)).toBe(12_392);
    expect(report.notes).toEqual([
      'invoices the rows were grouped into: 12392',
      'events without a timezone because Country "European Community" names no country: 3',
      'events without a timezone because Country "Unspecified" names no country: 6',
    ]);
    expect(check(events)).toEqual({ invalid: [], sorted: true, uniqueIds: true });
    expect(new Set(events.map((e) => e.detail.userId)).size).toBe(3_546);
  });
});
