import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { readSharedData, sharedDataFile } from '../support/shared-data.ts';
import { memoryIo, tempDir } from './support.ts';

// `cairn segments estimate` on the real CDNOW purchase log (../shared/data/README.md), checked against a count
// made from the file's columns with nothing of Cairn's. The segment is journeys/segments/frequent-buyers.yaml:
// at least 3 orders in the last 180 days, and not in journeys/segments/vip.yaml (the vip lifecycle stage).
const CDNOW_FILE = 'cdnow/CDNOW_master.txt';
const AS_OF = '1998-06-30T23:59:59Z';

type Row = { id: string; day: string; dollars: number };

function readCdnow(): Row[] {
  return readSharedData(CDNOW_FILE, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', date = '', , dollars = ''] = line.trim().split(/\s+/);
      return {
        id,
        day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
        dollars: Number(dollars),
      };
    });
}

/**
 * The plain count. The importer dates an order at noon UTC, so as of 1998-06-30 23:59:59 the last 180 days
 * hold the orders from 1998-01-02. VIP, by journeys/lifecycle.yaml, is a monetary score of 5 (revenue of
 * 1,000 or more from 1997-07-01, the last 365 days) and an order less than 60 days ago (from 1998-05-02).
 */
function independentCount(rows: readonly Row[]): { members: number; vipsLeftOut: number } {
  const byCustomer = new Map<string, Row[]>();
  for (const row of rows) byCustomer.set(row.id, [...(byCustomer.get(row.id) ?? []), row]);
  let members = 0;
  let vipsLeftOut = 0;
  for (const orders of byCustomer.values()) {
    const recent = orders.filter((o) => o.day >= '1998-01-02').length;
    const yearRevenue = orders.filter((o) => o.day >= '1997-07-01').reduce((sum, o) => sum + o.dollars, 0);
    const lastDay =
      orders
        .map((o) => o.day)
        .sort()
        .at(-1) ?? '';
    const vip = yearRevenue >= 1000 && lastDay >= '1998-05-02';
    if (recent < 3) continue;
    if (vip) vipsLeftOut++;
    else members++;
  }
  return { members, vipsLeftOut };
}

describe('cairn segments estimate on CDNOW', () => {
  it('agrees with an independent count of "at least 3 orders in 180 days and not VIP"', async () => {
    // Prepare: the file imported as events, and the plain count.
    const imported = memoryIo();
    expect(await main(['import', 'cdnow', sharedDataFile(CDNOW_FILE)], imported.io)).toBe(0);
    const events = join(await tempDir(), 'cdnow.ndjson');
    await writeFile(events, `${imported.out.join('\n')}\n`);
    const expected = independentCount(readCdnow());
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(
      ['segments', 'estimate', 'frequent-buyers', '--events', events, '--as-of', AS_OF],
      io,
    );

    // Assess: the VIP exclusion matters here (some frequent buyers are VIPs), and the counts agree.
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(expected.vipsLeftOut).toBeGreaterThan(0);
    expect(out).toEqual([
      `frequent-buyers: ${expected.members.toLocaleString('en-US')} of 23,570 customer(s) (${((100 * expected.members) / 23_570).toFixed(1)}%) as of 1998-06-30T23:59:59.000Z`,
    ]);
  }, 240_000);
});
