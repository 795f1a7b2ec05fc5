import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import type { BgNbdCustomer } from '../../functions/core/lifecycle/bgnbd.ts';
import { logParameterGradient, plainLogLikelihood } from '../support/bgnbd-reference.ts';
import { readSharedData, sharedDataFile } from '../support/shared-data.ts';
import { memoryIo, tempDir } from './support.ts';

// The real CDNOW purchase log (../shared/data/README.md): 69,659 rows of 23,570 customers, 1997-01 to 1998-06.
const CDNOW_FILE = 'cdnow/CDNOW_master.txt';

type Row = { id: string; day: number; dollars: number };

/** The plain computation the commands are checked against: the file's columns, read with nothing of Cairn's. */
function readCdnow(): Row[] {
  return readSharedData(CDNOW_FILE, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', date = '', , dollars = ''] = line.trim().split(/\s+/);
      const day = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8)) / 86_400_000;
      return { id, day, dollars: Number(dollars) };
    });
}

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { io, out, err } = memoryIo();
  const code = await main(args, io);
  return { code, out, err };
}

type Prepared = { rows: Row[]; events: string };
let preparing: Promise<Prepared> | undefined;

/**
 * The file read plainly, and imported by `cairn import cdnow` into an events file: once, by the first test that
 * asks. Not in beforeAll, whose failure would report the tests as skipped: without ../shared/data each test fails
 * saying what is missing.
 */
function prepared(): Promise<Prepared> {
  preparing ??= (async () => {
    const rows = readCdnow();
    const imported = await cli(['import', 'cdnow', sharedDataFile(CDNOW_FILE)]);
    expect(imported.code).toBe(0);
    const events = join(await tempDir(), 'cdnow.ndjson');
    await writeFile(events, `${imported.out.join('\n')}\n`);
    return { rows, events };
  })();
  return preparing;
}

describe('CDNOW through cairn import and cairn profiles', () => {
  it('reproduces every customer’s orders, revenue and last order date as of 1998-06-30', async () => {
    // Prepare: the plain computation.
    const { rows, events } = await prepared();
    expect(rows).toHaveLength(69_659);
    const expected = new Map<string, { orders: number; cents: number; lastDay: number }>();
    for (const { id, day, dollars } of rows) {
      const e = expected.get(id) ?? { orders: 0, cents: 0, lastDay: day };
      expected.set(id, {
        orders: e.orders + 1,
        cents: e.cents + Math.round(dollars * 100),
        lastDay: Math.max(e.lastDay, day),
      });
    }
    expect(expected.size).toBe(23_570);

    // Act
    const result = await cli([
      'profiles',
      '--events',
      events,
      '--as-of',
      '1998-06-30T23:59:59Z',
      '--format',
      'json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const profiles: {
      userId: string;
      orders: number;
      revenue: number;
      lastOrderAt: string;
      stage: string;
    }[] = JSON.parse(result.out.join('\n'));
    expect(profiles).toHaveLength(23_570);
    const mismatches = profiles.filter((p) => {
      const e = expected.get(p.userId);
      return (
        !e ||
        p.orders !== e.orders ||
        Math.round(p.revenue * 100) !== e.cents ||
        p.lastOrderAt.slice(0, 10) !== new Date(e.lastDay * 86_400_000).toISOString().slice(0, 10)
      );
    });
    expect(mismatches).toEqual([]);
    expect(result.err.join('\n')).toContain(
      '23,570 customer(s) from 69,659 event(s) as of 1998-06-30T23:59:59.000Z',
    );
  }, 120_000);
});

describe('cairn model fit on CDNOW, calibration to 1997-09-30 in weeks', () => {
  it('finds the maximum of an independently computed likelihood', async () => {
    // Prepare: (x, t_x, T) per customer straight from the file, and a plain likelihood (test/support).
    const { rows, events } = await prepared();
    const end = Date.UTC(1997, 8, 30) / 86_400_000;
    const daysOf = new Map<string, Set<number>>();
    for (const { id, day } of rows)
      if (day <= end) daysOf.set(id, (daysOf.get(id) ?? new Set<number>()).add(day));
    const customers: BgNbdCustomer[] = [...daysOf.values()].map((set) => {
      const days = [...set].sort((a, b) => a - b);
      const first = days[0] ?? 0;
      return { x: days.length - 1, tx: ((days.at(-1) ?? first) - first) / 7, T: (end - first) / 7 };
    });

    // Act
    const result = await cli([
      'model',
      'fit',
      '--events',
      events,
      '--calibration-end',
      '1997-09-30',
      '--unit',
      'weeks',
      '--format',
      'json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const fit: { r: number; alpha: number; a: number; b: number; logLikelihood: number; customers: number } =
      JSON.parse(result.out.join('\n'));
    expect(fit.customers).toBe(23_570);
    const params = { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b };
    // The command saw the same customers: its log-likelihood is the plain one at its parameters.
    const plain = plainLogLikelihood(params, customers);
    expect(Math.abs(fit.logLikelihood - plain)).toBeLessThan(0.01);
    // A stationary point: the gradient in log-parameters is zero up to the 6 digits the command prints.
    for (const slope of logParameterGradient(params, customers)) expect(Math.abs(slope)).toBeLessThan(0.5);
    // ... and a maximum: moving any parameter 1% either way lowers the likelihood.
    for (const key of ['r', 'alpha', 'a', 'b'] as const)
      for (const factor of [0.99, 1.01])
        expect(plainLogLikelihood({ ...params, [key]: params[key] * factor }, customers)).toBeLessThan(plain);
    // Same population as the 1/10 sample Fader, Hardie and Lee (2005) fitted: r 0.243, alpha 4.414,
    // a 0.793, b 2.426. The full cohort lands within 15% of each.
    for (const [value, paper] of [
      [fit.r, 0.243],
      [fit.alpha, 4.414],
      [fit.a, 0.793],
      [fit.b, 2.426],
    ] as const)
      expect(Math.abs(value / paper - 1)).toBeLessThan(0.15);
  }, 120_000);
});
