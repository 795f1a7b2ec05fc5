import { describe, expect, it } from 'vitest';
import { formatImportReport, type ImportReport } from '../../../functions/core/import/index.ts';
import {
  deterministicId,
  linesOf,
  parseDecimal,
  parseWhole,
  SkipCounter,
  toCents,
} from '../../../functions/core/import/report.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('amounts', () => {
  it('reads plain decimals exactly and refuses anything else', () => {
    expect(parseDecimal('12.5')).toBe(1_250_000_000n);
    expect(parseDecimal('-0.85')).toBe(-85_000_000n);
    expect(parseDecimal('3')).toBe(300_000_000n);
    expect(parseDecimal('+4.8533')).toBe(485_330_000n);
    for (const bad of ['', 'abc', '1e3', '12,50', '1.', '.5', 'NaN', '1.123456789', ' 1'])
      expect(parseDecimal(bad), bad).toBeUndefined();
    expect(parseWhole('-5')).toBe(-5n);
    expect(parseWhole('5.0')).toBeUndefined();
  });

  it('rounds to cents half away from zero, without binary floating-point surprises', () => {
    const cents = (text: string) => toCents(parseDecimal(text) ?? 0n);
    expect(cents('1.005')).toBe(1.01); // Math.round(1.005 * 100) / 100 gives 1
    expect(cents('-1.005')).toBe(-1.01);
    expect(cents('2.0049')).toBe(2);
    expect(cents('40282.39')).toBe(40282.39);
    expect(cents('0')).toBe(0);
    // 83 × 4.8533 = 402.8239
    expect(toCents(83n * (parseDecimal('4.8533') ?? 0n))).toBe(402.82);
  });
});

describe('deterministicId', () => {
  it('is a UUID-shaped string that depends on the source, the event name and the order id only', () => {
    const id = deterministicId('cairn.import.cdnow', 'Order Completed', 'cdnow-00001-19970101-1');
    expect(id).toMatch(UUID);
    expect(deterministicId('cairn.import.cdnow', 'Order Completed', 'cdnow-00001-19970101-1')).toBe(id);
    const others = [
      deterministicId('cairn.import.cdnow', 'Order Completed', 'cdnow-00001-19970101-2'),
      deterministicId('cairn.import.cdnow', 'Order Refunded', 'cdnow-00001-19970101-1'),
      deterministicId('cairn.import.online-retail', 'Order Completed', 'cdnow-00001-19970101-1'),
    ];
    for (const other of others) {
      expect(other).toMatch(UUID);
      expect(other).not.toBe(id);
    }
  });
});

describe('linesOf', () => {
  it('splits on LF and CRLF, drops a byte-order mark and a final line end', () => {
    expect([...linesOf('\uFEFFa\r\nb\n\r\nc\r\n')]).toEqual(['a', 'b', '', 'c']);
    expect([...linesOf(['\uFEFFa\r', 'b', 'c\r'])]).toEqual(['a', 'b', 'c']);
    expect([...linesOf('')]).toEqual([]);
  });
});

describe('formatImportReport', () => {
  it('lists events by type, every skip with its count, first examples and the rest, and notes', () => {
    const skips = new SkipCounter();
    for (let line = 10; line > 3; line--) skips.add('bad-row', 'row', line, `problem on ${line}`);
    skips.add('missing-customer', 'invoice', 20, 'invoice 1 has no CustomerID', 3);
    const report: ImportReport = {
      dataset: 'online-retail',
      format: 'line-items',
      rowsRead: 42,
      eventsWritten: 3,
      eventsByType: { 'Order Completed': 2, 'Order Refunded': 1 },
      skips: skips.list(),
      notes: ['invoices the rows were grouped into: 9'],
    };
    expect(formatImportReport(report, 'in.csv').split('\n')).toEqual([
      'cairn import online-retail: in.csv: line-items format, read 42 rows',
      '  wrote 3 events (2 Order Completed, 1 Order Refunded)',
      '  skipped 7 rows: bad-row: unreadable row (column count, date, number or id)',
      '    line 6: problem on 6',
      '    line 7: problem on 7',
      '    line 8: problem on 8',
      '    line 9: problem on 9',
      '    line 10: problem on 10',
      '    … and 2 more',
      '  skipped 1 invoice (3 rows): missing-customer: no customer id',
      '    line 20: invoice 1 has no CustomerID',
      '  note: invoices the rows were grouped into: 9',
    ]);
  });

  it('says when nothing was skipped, and shows a file-level error', () => {
    const report: ImportReport = {
      dataset: 'cdnow',
      format: 'CDNOW master',
      rowsRead: 1,
      eventsWritten: 1,
      eventsByType: { 'Order Completed': 1 },
      skips: [],
      notes: [],
    };
    expect(formatImportReport(report)).toBe(
      'cairn import cdnow: CDNOW master format, read 1 row\n  wrote 1 event (1 Order Completed)\n  skipped nothing',
    );
    expect(formatImportReport({ ...report, error: 'not a CDNOW purchase log' })).toContain(
      '\n  error: not a CDNOW purchase log\n',
    );
  });
});
