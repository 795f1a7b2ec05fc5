import { describe, expect, it } from 'vitest';
import { type CustomerEvent, parseCustomerEvent } from '../../../functions/core/events/index.ts';
import { CDNOW_SOURCE, importCdnow, type Skip } from '../../../functions/core/import/index.ts';
import { readSharedData } from '../../support/shared-data.ts';

const HEADER = ' customer_id  date number_of_cds  dollar_value';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The file as CDNOW_master.txt writes it: a header, space-aligned columns, CRLF. */
function file(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\r\n')}\r\n`;
}

function orders(events: CustomerEvent[]): string[] {
  return events.map(
    (e) =>
      `${e.time} ${e.detail.userId} ${String(e.detail.properties.orderId)} ${String(e.detail.properties.revenue)}`,
  );
}

function skipsOf(skips: Skip[]): Record<string, number> {
  return Object.fromEntries(skips.map((s) => [s.kind, s.count]));
}

describe('importCdnow', () => {
  it('turns each row into an Order Completed at noon UTC of its day, in USD', () => {
    const { events, report } = importCdnow(file(' 00001 19970101  1   11.77'));
    expect(events).toEqual([
      {
        version: '0',
        id: expect.stringMatching(UUID),
        'detail-type': 'Order Completed',
        source: CDNOW_SOURCE,
        time: '1997-01-01T12:00:00Z',
        resources: [],
        detail: {
          userId: '00001',
          eventId: 'cdnow-00001-19970101-1-completed',
          properties: { orderId: 'cdnow-00001-19970101-1', revenue: 11.77, currency: 'USD', quantity: 1 },
        },
      },
    ]);
    expect(CDNOW_SOURCE).toBe('cairn.import.cdnow');
    expect(report).toMatchObject({ dataset: 'cdnow', rowsRead: 1, eventsWritten: 1, skips: [] });
    expect(report.eventsByType).toEqual({ 'Order Completed': 1 });
    expect(report.error).toBeUndefined();
    const parsed = parseCustomerEvent(JSON.parse(JSON.stringify(events[0])));
    expect(parsed).toEqual({ ok: true, event: events[0] });
  });

  it('numbers several rows of one customer on one day from 1, in file order, even when not adjacent', () => {
    const { events, report } = importCdnow(
      file(
        ' 00002 19970112  1   12.00',
        ' 00002 19970112  5   77.00',
        ' 00002 19970113  2   20.00',
        ' 00002 19970112  1    9.99',
      ),
    );
    expect(orders(events)).toEqual([
      '1997-01-12T12:00:00Z 00002 cdnow-00002-19970112-1 12',
      '1997-01-12T12:00:00Z 00002 cdnow-00002-19970112-2 77',
      '1997-01-12T12:00:00Z 00002 cdnow-00002-19970112-3 9.99',
      '1997-01-13T12:00:00Z 00002 cdnow-00002-19970113-1 20',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(report.notes).toContain(
      'customer-days with several rows (order ids end -1, -2, ... in file order): 1',
    );
  });

  it('sorts by time, then customer, whatever the order of the rows', () => {
    const { events } = importCdnow(
      file(
        ' 00003 19970105  1   1.00',
        ' 00002 19970105  1   2.00',
        ' 00001 19970110  1   3.00',
        ' 00004 19970101  1   4.00',
      ),
    );
    expect(events.map((e) => `${e.time.slice(0, 10)} ${e.detail.userId}`)).toEqual([
      '1997-01-01 00004',
      '1997-01-05 00002',
      '1997-01-05 00003',
      '1997-01-10 00001',
    ]);
  });

  it('counts bad rows with their line numbers and reasons, and imports the others', () => {
    const { events, report } = importCdnow(
      file(
        ' 00001 19970101  1   11.77',
        ' 00002 19970112  1',
        ' 00003 19970230  2   20.76',
        ' 00004 19970102  2   abc',
        ' 0000x 19970102  2   1.00',
        ' 00006 19970102  two 1.00',
        ' 00007 1997-01-02  2   1.00',
        ' 00008 19970102  2   1.00 extra',
        '',
        ' 00009 19970103  3   30.00',
      ),
    );
    expect(events.map((e) => e.detail.userId)).toEqual(['00001', '00009']);
    expect(report.rowsRead).toBe(9);
    expect(report.skips).toEqual([
      {
        kind: 'bad-row',
        unit: 'row',
        count: 7,
        rows: 7,
        examples: [
          {
            line: 3,
            reason: 'expected 4 columns (customer_id date number_of_cds dollar_value), got 3',
          },
          { line: 4, reason: 'date must be a real day as YYYYMMDD, got "19970230"' },
          { line: 5, reason: 'dollar_value must be a decimal number, got "abc"' },
          { line: 6, reason: 'customer_id must be digits, got "0000x"' },
          { line: 7, reason: 'number_of_cds must be a whole number, got "two"' },
        ],
      },
    ]);
  });

  it('keeps rows of 0.00 as orders with revenue 0, and skips negative ones', () => {
    const { events, report } = importCdnow(file(' 00455 19970102  1    0.00', ' 00456 19970102  1   -5.00'));
    expect(orders(events)).toEqual(['1997-01-02T12:00:00Z 00455 cdnow-00455-19970102-1 0']);
    expect(skipsOf(report.skips)).toEqual({ 'non-positive-amount': 1 });
    expect(report.skips[0]?.examples).toEqual([{ line: 3, reason: 'dollar_value -5.00 is negative' }]);
    expect(report.notes).toContain('rows with dollar_value 0.00, kept as orders with revenue 0: 1');
  });

  it('rounds revenue to cents', () => {
    const { events } = importCdnow(file(' 00001 19970101  1   11.775', ' 00002 19970101  1   3'));
    expect(events.map((e) => e.detail.properties.revenue)).toEqual([11.78, 3]);
  });

  it('reads LF files, files without the header and lines given one by one, all alike', () => {
    const rows = [' 00001 19970101  1   11.77', ' 00002 19970112  5   77.00'];
    const crlf = importCdnow(file(...rows));
    const lf = importCdnow(`${HEADER}\n${rows.join('\n')}`);
    const noHeader = importCdnow(rows.join('\n'));
    const lines = importCdnow([HEADER, ...rows]);
    expect(crlf.events).toHaveLength(2);
    expect(lf.events).toEqual(crlf.events);
    expect(noHeader.events).toEqual(crlf.events);
    expect(noHeader.report.format).toBe('CDNOW master (no header)');
    expect(lines).toEqual(crlf);
  });

  it('gives the same output for the same input', () => {
    const text = file(
      ' 00001 19970101  1   11.77',
      ' 00001 19970101  2   5.00',
      ' 00002 19970112  5   77.00',
    );
    expect(JSON.stringify(importCdnow(text))).toBe(JSON.stringify(importCdnow(text)));
  });

  it('refuses a file that is not a CDNOW log, and an empty one, without throwing', () => {
    const csv = importCdnow('InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice\n536365,x,1,UK,1,1');
    expect(csv.events).toEqual([]);
    expect(csv.report.error).toMatch(/^not a CDNOW purchase log: line 1 is neither the header/);
    expect(importCdnow('').report.error).toBe('the file is empty: expected a CDNOW purchase log');
    expect(importCdnow(`${HEADER}\r\n`).report).toMatchObject({ rowsRead: 0, eventsWritten: 0 });
  });
});

describe('importCdnow over the published CDNOW_master.txt', () => {
  it('reads 69,659 rows into 69,659 orders of 23,570 customers, from 1997-01-01 to 1998-06-30', () => {
    // Prepare: ../shared/data, described in its README.md
    const text = readSharedData('cdnow/CDNOW_master.txt', 'utf8');
    // Act
    const { events, report } = importCdnow(text);
    // Assess
    expect(report).toMatchObject({
      format: 'CDNOW master',
      rowsRead: 69_659,
      eventsWritten: 69_659,
      skips: [],
    });
    expect(report.eventsByType).toEqual({ 'Order Completed': 69_659 });
    expect(new Set(events.map((e) => e.detail.userId)).size).toBe(23_570);
    expect(events[0]?.time).toBe('1997-01-01T12:00:00Z');
    expect(events.at(-1)?.time).toBe('1998-06-30T12:00:00Z');
    expect(new Set(events.map((e) => e.id)).size).toBe(69_659);
    expect(report.notes).toContain('rows with dollar_value 0.00, kept as orders with revenue 0: 80');
  });
});
