import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importUsage } from '../../functions/cli/commands/import.ts';
import { main } from '../../functions/cli/main.ts';
import { type CustomerEvent, parseCustomerEvent } from '../../functions/core/events/index.ts';
import { memoryIo, tempDir } from './support.ts';

const LINE_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const CDNOW_HEADER = ' customer_id  date number_of_cds  dollar_value';

/** Writes a file into a fresh folder; `latin1` writes it as the published Online Retail files are. */
async function fileOf(name: string, text: string, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, text, encoding);
  return path;
}

/** Every stdout line as an event of the contract; the problems of those that are not. */
function eventsOf(lines: string[]): { events: CustomerEvent[]; problems: string[] } {
  const events: CustomerEvent[] = [];
  const problems: string[] = [];
  for (const line of lines) {
    const parsed = parseCustomerEvent(JSON.parse(line));
    if (parsed.ok) events.push(parsed.event);
    else problems.push(`${line}: ${JSON.stringify(parsed.problems)}`);
  }
  return { events, problems };
}

describe('cairn import, usage', () => {
  it.each([
    [[], 'missing the dataset: cdnow, online-retail or profiles'],
    [['cdnow'], 'missing the FILE to import, e.g. cairn import cdnow FILE'],
    [['amazon', 'orders.csv'], 'unknown dataset "amazon"; expected cdnow, online-retail or profiles'],
    [['cdnow', 'a.txt', 'b.txt'], 'unexpected arguments after FILE: b.txt'],
  ])('exits 2 for %j, saying what is wrong, then how to use it', async (args, message) => {
    // Prepare
    const { io, out, err } = memoryIo();
    // Act
    const code = await main(['import', ...args], io);
    // Assess
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`cairn import: ${message}\n\n${importUsage}`]);
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const { io, err } = memoryIo();
    const code = await main(['import', 'cdnow', 'a.txt', '--since', '1997'], io);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^cairn import: .*'--since'/);
    expect(err.join('\n')).toContain('Usage: cairn import <dataset> FILE');
  });

  it('prints its usage for --help and exits 0', async () => {
    const { io, out, err } = memoryIo();
    const code = await main(['import', '--help'], io);
    expect(code).toBe(0);
    expect(out).toEqual([importUsage]);
    expect(err).toEqual([]);
    expect(importUsage).toContain('Exit status: 0 when the events are written');
  });
});

describe('cairn import, files', () => {
  it('exits 2 for a file it cannot read, naming it', async () => {
    const { io, out, err } = memoryIo();
    const missing = join(await tempDir(), 'missing.csv');
    const code = await main(['import', 'online-retail', missing], io);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^cairn import: cannot read ${missing}: ENOENT`));
  });

  it('exits 1 for a file of the other dataset, writing no events', async () => {
    // Prepare
    const cdnowFile = await fileOf('CDNOW_master.txt', `${CDNOW_HEADER}\r\n 00001 19970101  1   11.77\r\n`);
    const retailFile = await fileOf('retail.csv', `${LINE_HEADER}\n`);
    const asRetail = memoryIo();
    const asCdnow = memoryIo();
    // Act
    const retailCode = await main(['import', 'online-retail', cdnowFile], asRetail.io);
    const cdnowCode = await main(['import', 'cdnow', retailFile], asCdnow.io);
    // Assess
    expect(retailCode).toBe(1);
    expect(asRetail.out).toEqual([]);
    expect(asRetail.err).toEqual([
      `cairn import: ${cdnowFile}: not an Online Retail file: line 1 should be the header ` +
        '"InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice" (invoice-level) or ' +
        `"${LINE_HEADER}" (line items), got "${CDNOW_HEADER}"`,
    ]);
    expect(cdnowCode).toBe(1);
    expect(asCdnow.out).toEqual([]);
    expect(asCdnow.err[0]).toMatch(
      new RegExp(`^cairn import: ${retailFile}: not a CDNOW purchase log: line 1 is neither the header`),
    );
  });

  it('writes an ISO-8859-1 Online Retail file as NDJSON events of the contract, and reports on stderr', async () => {
    // Prepare: É is one byte, 0xC9, in the file
    const file = await fileOf(
      'retail.csv',
      [
        LINE_HEADER,
        '536365,85123A,CAFÉ HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
        'C536366,85123A,CAFÉ HEART,-1,2010-12-01 09:00:00,2.55,17850.0,United Kingdom',
        '536367,22960,JAM MAKING SET,1,2010-12-01 09:10:00,4.25,,United Kingdom',
        '536368,22960,JAM MAKING SET,one,2010-12-01 09:20:00,4.25,13047.0,France',
        '',
      ].join('\n'),
      'latin1',
    );
    const { io, out, err } = memoryIo();
    // Act
    const code = await main(['import', 'online-retail', file], io);
    // Assess
    expect(code).toBe(0);
    const { events, problems } = eventsOf(out);
    expect(problems).toEqual([]);
    expect(events.map((e) => `${e.time} ${e['detail-type']} ${String(e.detail.properties.revenue)}`)).toEqual(
      ['2010-12-01T08:26:00Z Order Completed 15.3', '2010-12-01T09:00:00Z Order Refunded 2.55'],
    );
    expect(events[0]?.detail.properties.products).toEqual([
      { productId: '85123A', name: 'CAFÉ HEART', price: 2.55, quantity: 6 },
    ]);
    expect(err).toEqual([
      [
        `cairn import online-retail: ${file}: line-items format, read 4 rows`,
        '  wrote 2 events (1 Order Completed, 1 Order Refunded)',
        '  skipped 1 row: bad-row: unreadable row (column count, date, number or id)',
        '    line 5: Quantity must be a whole number, got "one"',
        '  skipped 1 invoice (1 row): missing-customer: no customer id',
        '    line 4: invoice 536367 has no CustomerID',
        '  note: invoices the rows were grouped into: 4',
      ].join('\n'),
    ]);
  });

  it('writes a CDNOW file, and the same output again for the same file', async () => {
    const file = await fileOf(
      'CDNOW_master.txt',
      `${CDNOW_HEADER}\r\n 00002 19970112  5   77.00\r\n 00001 19970101  1   11.77\r\n`,
    );
    const first = memoryIo();
    const again = memoryIo();
    expect(await main(['import', 'cdnow', file], first.io)).toBe(0);
    expect(await main(['import', 'cdnow', file], again.io)).toBe(0);
    const { events, problems } = eventsOf(first.out);
    expect(problems).toEqual([]);
    expect(events.map((e) => `${e.time} ${e.detail.userId}`)).toEqual([
      '1997-01-01T12:00:00Z 00001',
      '1997-01-12T12:00:00Z 00002',
    ]);
    expect(again.out).toEqual(first.out);
    expect(first.err[0]).toMatch(
      new RegExp(`^cairn import cdnow: ${file}: CDNOW master format, read 2 rows\n  wrote 2 events`),
    );
  });
});
