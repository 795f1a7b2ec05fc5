import { describe, expect, it } from 'vitest';
import { type CustomerEvent, parseCustomerEvent } from '../../../functions/core/events/index.ts';
import { importOnlineRetail, ONLINE_RETAIL_SOURCE, type Skip } from '../../../functions/core/import/index.ts';

// Several rows below are quoted or adapted from the UCI Online Retail data set (Daqing Chen, UCI Machine Learning
// Repository, CC BY 4.0), as described in ../shared/data/README.md.
const INVOICE_HEADER = 'InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice';
const LINE_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A file as OnlineRetail_invoice_level.csv writes it: the header, then `\n`-ended rows. */
function invoiceLevel(...rows: string[]): string {
  return `${[INVOICE_HEADER, ...rows].join('\n')}\n`;
}

/** A file as OnlineRetail_30k_random_sample.csv writes it. */
function lineItems(...rows: string[]): string {
  return `${[LINE_HEADER, ...rows].join('\n')}\n`;
}

/** One line per event: what a reader of the timeline looks at. */
function summary(events: CustomerEvent[]): string[] {
  return events.map((e) => {
    const { userId, properties } = e.detail;
    return `${e.time} ${e['detail-type']} ${userId} ${String(properties.orderId)} ${String(properties.revenue)} x${String(properties.quantity)}`;
  });
}

function skipsOf(skips: Skip[]): Record<string, string> {
  return Object.fromEntries(skips.map((s) => [s.kind, `${s.count} ${s.unit}s, ${s.rows} rows`]));
}

function examplesOf(skips: Skip[], kind: Skip['kind']): string[] {
  const skip = skips.find((s) => s.kind === kind);
  return (skip?.examples ?? []).map((e) => `${e.line}: ${e.reason}`);
}

describe('importOnlineRetail, invoice level', () => {
  it('turns a sale into an Order Completed worth Quantity × UnitPrice, at UTC, that meets the contract', () => {
    // Prepare
    const text = invoiceLevel('536365,12/1/2010 8:26,17850,United Kingdom,40,3.91');
    // Act
    const { events, report } = importOnlineRetail(text);
    // Assess
    expect(events).toEqual([
      {
        version: '0',
        id: 'abb49164-4b54-852a-90f6-4b154fd0aacb',
        'detail-type': 'Order Completed',
        source: ONLINE_RETAIL_SOURCE,
        time: '2010-12-01T08:26:00Z',
        resources: [],
        detail: {
          userId: '17850',
          eventId: '536365-completed',
          properties: { orderId: '536365', revenue: 156.4, currency: 'GBP', quantity: 40 },
          traits: { country: 'United Kingdom' },
          context: { timezone: 'Europe/London' },
        },
      },
    ]);
    expect(ONLINE_RETAIL_SOURCE).toBe('cairn.import.online-retail');
    expect(report).toEqual({
      dataset: 'online-retail',
      format: 'invoice-level',
      rowsRead: 1,
      eventsWritten: 1,
      eventsByType: { 'Order Completed': 1 },
      skips: [],
      notes: [],
    });
    expect(parseCustomerEvent(JSON.parse(JSON.stringify(events[0])))).toEqual({ ok: true, event: events[0] });
  });

  it('merges the rows of one invoice: quantities and amounts added, at its earliest row', () => {
    // Prepare: as invoice 536591 in the published file, but with the later row first
    const text = invoiceLevel(
      '536591,12/1/2010 16:58,14606,United Kingdom,12,3.89',
      '536592,12/1/2010 17:06,14606,United Kingdom,1,1.00',
      '536591,12/1/2010 16:57,14606,United Kingdom,81,2.7826',
    );
    // Act
    const { events, report } = importOnlineRetail(text);
    // Assess: 12 × 3.89 + 81 × 2.7826 = 272.0706
    expect(summary(events)).toEqual([
      '2010-12-01T16:57:00Z Order Completed 14606 536591 272.07 x93',
      '2010-12-01T17:06:00Z Order Completed 14606 536592 1 x1',
    ]);
    expect(report.rowsRead).toBe(3);
    expect(report.notes).toEqual([
      'invoices spanning several rows, merged (quantities and amounts added, earliest time): 1',
    ]);
  });
});

describe('importOnlineRetail, line items', () => {
  it('groups the lines of an invoice, wherever they are, into one order worth the sum of the lines', () => {
    // Prepare: shuffled as in the 30k sample; customer ids written as 12923.0
    const text = lineItems(
      '569901,23256,CHILDRENS CUTLERY SPACEBOY ,2,2011-10-06 16:20:00,4.15,12923.0,United Kingdom',
      '565806,23275,SET OF 3 HANGING OWLS OLLIE BEAK,12,2011-09-07 10:51:00,1.25,15594.0,United Kingdom',
      '569901,"22423","REGENCY CAKESTAND 3 TIER, ""LARGE""",1,2011-10-06 16:20:00,12.75,12923.0,United Kingdom',
    );
    // Act
    const { events, report } = importOnlineRetail(text);
    // Assess: 2 × 4.15 + 1 × 12.75 = 21.05, at 16:20 BST
    expect(summary(events)).toEqual([
      '2011-09-07T09:51:00Z Order Completed 15594 565806 15 x12',
      '2011-10-06T15:20:00Z Order Completed 12923 569901 21.05 x3',
    ]);
    expect(events[1]?.detail.properties.products).toEqual([
      { productId: '23256', name: 'CHILDRENS CUTLERY SPACEBOY', price: 4.15, quantity: 2 },
      { productId: '22423', name: 'REGENCY CAKESTAND 3 TIER, "LARGE"', price: 12.75, quantity: 1 },
    ]);
    expect(report).toMatchObject({ format: 'line-items', rowsRead: 3, eventsWritten: 2, skips: [] });
    expect(report.notes).toEqual(['invoices the rows were grouped into: 2']);
    for (const event of events) expect(parseCustomerEvent(JSON.parse(JSON.stringify(event))).ok).toBe(true);
  });

  it('reads descriptions and countries decoded from ISO-8859-1 as written', () => {
    // Prepare: the bytes of the published files are Latin-1; 0xC9 is É, 0xE7 is ç
    const bytes = Buffer.concat([
      Buffer.from(`${LINE_HEADER}\n581001,85123A,CR`, 'latin1'),
      Buffer.from([0xc8, 0x4d, 0x45, 0x20, 0x42, 0x52, 0xdb, 0x4c, 0xc9, 0x45]), // CRÈME BRÛLÉE
      Buffer.from(',1,2011-12-01 10:00:00,2.55,12345.0,Cura', 'latin1'),
      Buffer.from([0xe7, 0x61, 0x6f, 0x0a]), // çao\n
    ]);
    // Act
    const { events, report } = importOnlineRetail(bytes.toString('latin1'));
    // Assess
    expect(events[0]?.detail.properties.products).toEqual([
      { productId: '85123A', name: 'CRÈME BRÛLÉE', price: 2.55, quantity: 1 },
    ]);
    expect(events[0]?.detail.traits).toEqual({ country: 'Curaçao' });
    expect(events[0]?.detail.context).toBeUndefined();
    expect(report.notes).toContain(
      'events without a timezone because Country "Curaçao" is not in the country table: 1',
    );
  });
});

describe('importOnlineRetail, UK time', () => {
  // BST ran from 01:00Z on 27 March to 01:00Z on 30 October 2011.
  const utc = [
    '2011-03-26T10:00:00Z',
    '2011-03-27T09:00:00Z',
    '2011-03-28T09:00:00Z',
    '2011-10-29T09:00:00Z',
    '2011-10-30T10:00:00Z',
    '2011-10-31T10:00:00Z',
  ];

  it('converts invoice-level times (M/D/YYYY H:MM) from UK local time to UTC across the BST changes', () => {
    // Prepare
    const days = ['3/26/2011', '3/27/2011', '3/28/2011', '10/29/2011', '10/30/2011', '10/31/2011'];
    const rows = days.map((day, i) => `${540000 + i},${day} 10:00,12346,United Kingdom,1,1`);
    // Act
    const { events } = importOnlineRetail(invoiceLevel(...rows));
    // Assess
    expect(events.map((e) => e.time)).toEqual(utc);
  });

  it('converts line-item times (YYYY-MM-DD HH:MM:SS) the same way', () => {
    const days = ['2011-03-26', '2011-03-27', '2011-03-28', '2011-10-29', '2011-10-30', '2011-10-31'];
    const rows = days.map((day, i) => `${540000 + i},X,x,1,${day} 10:00:00,1,12346.0,United Kingdom`);
    const { events } = importOnlineRetail(lineItems(...rows));
    expect(events.map((e) => e.time)).toEqual(utc);
  });
});

describe('importOnlineRetail, cancellations', () => {
  it('writes a C-cancellation as an Order Refunded of positive amounts, only after an order of its customer', () => {
    // Prepare
    const text = invoiceLevel(
      '536380,12/1/2010 9:00,17809,United Kingdom,10,2.00',
      'C536383,12/1/2010 9:49,17809,United Kingdom,-1,4.65',
      'C536384,12/1/2010 9:00,17809,United Kingdom,-2,1.00',
      'C536379,12/1/2010 9:41,14527,United Kingdom,-1,27.5',
      'C536390,12/1/2010 8:00,15311,United Kingdom,-3,1.00',
      '536391,12/1/2010 10:00,15311,United Kingdom,3,1.00',
    );
    // Act
    const { events, report } = importOnlineRetail(text);
    // Assess: a cancellation at the very minute of the order counts as after it
    expect(summary(events)).toEqual([
      '2010-12-01T09:00:00Z Order Completed 17809 536380 20 x10',
      '2010-12-01T09:00:00Z Order Refunded 17809 C536384 2 x2',
      '2010-12-01T09:49:00Z Order Refunded 17809 C536383 4.65 x1',
      '2010-12-01T10:00:00Z Order Completed 15311 536391 3 x3',
    ]);
    expect(events[2]?.detail.eventId).toBe('C536383-refunded');
    expect(events[2]?.id).toMatch(UUID);
    expect(skipsOf(report.skips)).toEqual({ 'cancellation-without-order': '2 invoices, 2 rows' });
    expect(examplesOf(report.skips, 'cancellation-without-order')).toEqual([
      '5: cancellation C536379 of customer 14527 at 2010-12-01T09:41:00Z: no order of that customer at or before it',
      '6: cancellation C536390 of customer 15311 at 2010-12-01T08:00:00Z: no order of that customer at or before it',
    ]);
  });

  it('lists the refunded lines with positive quantities', () => {
    const { events } = importOnlineRetail(
      lineItems(
        '537856,D,Discount,1,2010-12-08 15:00:00,300.00,17340.0,United Kingdom',
        'C537857,D,Discount,-1,2010-12-08 16:00:00,267.12,17340.0,United Kingdom',
      ),
    );
    expect(summary(events)[1]).toBe('2010-12-08T16:00:00Z Order Refunded 17340 C537857 267.12 x1');
    expect(events[1]?.detail.properties.products).toEqual([
      { productId: 'D', name: 'Discount', price: 267.12, quantity: 1 },
    ]);
  });
});

describe('importOnlineRetail, skips', () => {
  it('counts invoices without a customer, "(blank)" or empty, with their first line, in both layouts', () => {
    // Act
    const level = importOnlineRetail(
      invoiceLevel(
        '536414,12/1/2010 11:52,(blank),United Kingdom,56,0',
        '536415,12/1/2010 11:57,12345,United Kingdom,1,1',
        '536544,12/1/2010 14:32,,United Kingdom,1,2.5',
      ),
    );
    const items = importOnlineRetail(
      lineItems(
        '548516,22960,JAM MAKING SET,1,2011-03-31 15:00:00,4.25,,United Kingdom',
        '548517,22961,JAM JAR,1,2011-03-31 15:00:00,4.25,12345.0,United Kingdom',
        '548516,22961,JAM JAR,2,2011-03-31 15:00:00,0.85,,United Kingdom',
      ),
    );
    // Assess
    expect(summary(level.events)).toEqual(['2010-12-01T11:57:00Z Order Completed 12345 536415 1 x1']);
    expect(skipsOf(level.report.skips)).toEqual({ 'missing-customer': '2 invoices, 2 rows' });
    expect(examplesOf(level.report.skips, 'missing-customer')).toEqual([
      '2: invoice 536414 has no CustomerID',
      '4: invoice 536544 has no CustomerID',
    ]);
    expect(items.events.map((e) => e.detail.properties.orderId)).toEqual(['548517']);
    expect(skipsOf(items.report.skips)).toEqual({ 'missing-customer': '1 invoices, 2 rows' });
    expect(examplesOf(items.report.skips, 'missing-customer')).toEqual([
      '2: invoice 548516 has no CustomerID',
    ]);
  });

  it('skips A… bad-debt adjustments, zero amounts and rows that disagree, and counts them', () => {
    const { events, report } = importOnlineRetail(
      invoiceLevel(
        'A563185,8/12/2011 14:50,12346,United Kingdom,1,11062.06',
        'A563186,8/12/2011 14:51,(blank),United Kingdom,1,-11062.06',
        '543599,2/10/2011 13:08,17560,United Kingdom,16,0',
        'C543600,2/10/2011 13:09,17560,United Kingdom,2,1.00',
        '550000,4/1/2011 10:00,12346,United Kingdom,1,1',
        '550000,4/1/2011 10:01,12347,United Kingdom,1,1',
        '550001,4/1/2011 10:00,12346,United Kingdom,1,1',
        '550001,4/1/2011 10:01,12346,France,1,1',
      ),
    );
    expect(events).toEqual([]);
    // An adjustment without a customer is counted as such: the customer is checked first.
    expect(skipsOf(report.skips)).toEqual({
      'conflicting-rows': '2 invoices, 4 rows',
      'missing-customer': '1 invoices, 1 rows',
      'not-a-sale': '1 invoices, 1 rows',
      'non-positive-amount': '2 invoices, 2 rows',
    });
    expect(examplesOf(report.skips, 'not-a-sale')).toEqual([
      '2: invoice A563185 starts with A: neither a sale nor a cancellation (C)',
    ]);
    expect(examplesOf(report.skips, 'non-positive-amount')).toEqual([
      '4: invoice 543599 amounts to 0.00 GBP',
      '5: cancellation C543600 refunds -2.00 GBP',
    ]);
    expect(examplesOf(report.skips, 'conflicting-rows')).toEqual([
      '6: invoice 550000: rows name customers 12346, 12347',
      '8: invoice 550001: rows name countries United Kingdom, France',
    ]);
  });

  it('counts malformed rows with their line and reason, drops the rest of their invoice, and goes on', () => {
    // Prepare
    const text = invoiceLevel(
      '536365,12/1/2010 8:26,17850,United Kingdom,40,3.91',
      '536366,12/1/2010 8:28,17850,United Kingdom,12',
      '536367,2/30/2011 8:28,17850,United Kingdom,1,1',
      '536368,12/1/2010 8:28,17850,United Kingdom,two,1',
      '536369,12/1/2010 8:28,17850,United Kingdom,1,1e3',
      '536370,12/1/2010 8:28,cust,United Kingdom,1,1',
      '536371,12/1/2010 8:28,"17850,United Kingdom,1,1',
      'X-1,12/1/2010 8:28,17850,United Kingdom,1,1',
      '536372,12/1/2010 9:00,17850,United Kingdom,1,1',
      '536372,12/1/2010 9:01,17850,United Kingdom,1,oops',
      '',
      '536373,2010-12-01 10:00:00,17850,United Kingdom,1,1',
    );
    // Act
    const { events, report } = importOnlineRetail(text);
    // Assess
    expect(summary(events)).toEqual(['2010-12-01T08:26:00Z Order Completed 17850 536365 156.4 x40']);
    expect(report.rowsRead).toBe(11);
    expect(skipsOf(report.skips)).toEqual({
      'bad-row': '9 rows, 9 rows',
      'invoice-with-bad-row': '1 invoices, 1 rows',
    });
    expect(examplesOf(report.skips, 'bad-row')).toEqual([
      '3: expected 6 columns, got 5',
      '4: InvoiceDate must be a real date-time as M/D/YYYY H:MM, got "2/30/2011 8:28"',
      '5: Quantity must be a whole number, got "two"',
      '6: UnitPrice must be a decimal number, got "1e3"',
      '7: CustomerID must be a number such as 12923 or 12923.0, got "cust"',
    ]);
    expect(report.skips[0]?.count).toBe(9);
    expect(examplesOf(report.skips, 'invoice-with-bad-row')).toEqual([
      '10: invoice 536372: line 11 could not be read',
    ]);
  });

  it('names the other line-item problems: an open quote and an unreadable invoice number', () => {
    const { report } = importOnlineRetail(
      lineItems(
        '536371,22,"OPEN QUOTE,1,2010-12-01 08:28:00,1,17850.0,United Kingdom',
        'X-1,22,THING,1,2010-12-01 08:28:00,1,17850.0,United Kingdom',
        '536372,22,THING,1,12/1/2010 8:28,1,17850.0,United Kingdom',
      ),
    );
    expect(examplesOf(report.skips, 'bad-row')).toEqual([
      '2: a quoted field is not closed',
      '3: InvoiceNo must be digits, optionally after one capital letter, got "X-1"',
      '4: InvoiceDate must be a real date-time as YYYY-MM-DD HH:MM:SS, got "12/1/2010 8:28"',
    ]);
  });
});

describe('importOnlineRetail, countries', () => {
  it('keeps the Country as traits.country and gives its representative zone as context.timezone', () => {
    const { events, report } = importOnlineRetail(
      invoiceLevel(
        '549001,4/11/2011 10:00,12001,France,1,1',
        '549002,4/11/2011 10:01,12002,USA,1,1',
        '549003,4/11/2011 10:02,12003,EIRE,1,1',
        '549004,4/11/2011 10:03,12004,Unspecified,1,1',
        '549005,4/11/2011 10:04,12005,European Community,1,1',
      ),
    );
    expect(events.map((e) => [e.detail.traits, e.detail.context])).toEqual([
      [{ country: 'France' }, { timezone: 'Europe/Paris' }],
      [{ country: 'USA' }, { timezone: 'America/New_York' }],
      [{ country: 'EIRE' }, { timezone: 'Europe/Dublin' }],
      [undefined, undefined],
      [{ country: 'European Community' }, undefined],
    ]);
    expect(report.notes).toEqual([
      'events without a timezone because Country "European Community" names no country: 1',
      'events without a timezone because Country "Unspecified" names no country: 1',
    ]);
  });
});

describe('importOnlineRetail, files', () => {
  it('gives the same events for the same input, whatever the order of its rows', () => {
    const rows = [
      '536365,12/1/2010 8:26,17850,United Kingdom,40,3.91',
      '536366,12/1/2010 8:26,13047,United Kingdom,12,1.85',
      'C536367,12/1/2010 9:00,17850,United Kingdom,-1,3.91',
      '536368,12/1/2010 8:26,17850,United Kingdom,2,1.00',
    ];
    const first = importOnlineRetail(invoiceLevel(...rows));
    const again = importOnlineRetail(invoiceLevel(...rows));
    const reversed = importOnlineRetail(invoiceLevel(...[...rows].reverse()));
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(reversed.events)).toBe(JSON.stringify(first.events));
    expect(new Set(first.events.map((e) => e.id)).size).toBe(4);
    expect(first.events.map((e) => `${e.detail.userId} ${String(e.detail.properties.orderId)}`)).toEqual([
      '13047 536366',
      '17850 536365',
      '17850 536368',
      '17850 C536367',
    ]);
  });

  it('reads CRLF, a byte-order mark, a header in another case and lines given one by one alike', () => {
    const row = '536365,12/1/2010 8:26,17850,United Kingdom,40,3.91';
    const lf = importOnlineRetail(invoiceLevel(row));
    expect(importOnlineRetail(`\uFEFF${INVOICE_HEADER}\r\n${row}\r\n`)).toEqual(lf);
    expect(importOnlineRetail(`${INVOICE_HEADER.toLowerCase()}\n${row}`)).toEqual(lf);
    expect(importOnlineRetail([INVOICE_HEADER, row])).toEqual(lf);
  });

  it('refuses a file whose header is neither layout, and an empty one, without throwing', () => {
    const cdnow = importOnlineRetail(
      ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1  11.77',
    );
    expect(cdnow.events).toEqual([]);
    expect(cdnow.report.format).toBe('unknown');
    expect(cdnow.report.error).toBe(
      `not an Online Retail file: line 1 should be the header "${INVOICE_HEADER}" (invoice-level) or ` +
        `"${LINE_HEADER}" (line items), got " customer_id  date number_of_cds  dollar_value"`,
    );
    expect(importOnlineRetail('\n\n').report.error).toBe(
      'the file is empty: expected an Online Retail file with a header line',
    );
    expect(importOnlineRetail(`${LINE_HEADER}\n`).report).toMatchObject({ rowsRead: 0, eventsWritten: 0 });
    expect(importOnlineRetail(`${LINE_HEADER}\n`).report.error).toBeUndefined();
  });
});
