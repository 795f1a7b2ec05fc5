import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { mergeRuns, SortedRuns } from '../../../functions/adapters/files/sorted-runs.ts';
import { tempDir } from '../../cli/support.ts';

const Row = z.object({ at: z.string(), id: z.string() });
type Row = z.infer<typeof Row>;
const byAtThenId = (a: Row, b: Row) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

describe('sorted runs', () => {
  it('give back records added in any order, from runs of several writers, as one sorted stream', async () => {
    // Prepare: two writers, runs of 7 records, 50 records each in a scrambled order.
    const dir = await tempDir();
    const rows = Array.from({ length: 100 }, (_, i) => ({
      at: `2026-09-${String(1 + ((i * 37) % 28)).padStart(2, '0')}`,
      id: `r${(i * 53) % 100}`,
    }));
    const writers = [0, 1].map(
      (w) => new SortedRuns<Row>({ dir, prefix: `w${w}`, compare: byAtThenId, runRecords: 7 }),
    );
    for (const [i, row] of rows.entries()) writers[i % 2]?.add(row);

    // Act
    const files = writers.flatMap((writer) => writer.close());
    const merged: Row[] = [];
    for await (const row of mergeRuns(files, Row, byAtThenId)) merged.push(row);

    // Assess
    expect(files.length).toBe(16);
    expect(writers.map((w) => w.count)).toEqual([50, 50]);
    expect(merged).toEqual([...rows].sort(byAtThenId));
  });

  it('names the file of a record that does not fit its schema', async () => {
    const dir = await tempDir();
    const writer = new SortedRuns<{ at: number }>({ dir, prefix: 'bad', compare: (a, b) => a.at - b.at });
    writer.add({ at: 1 });
    const [file] = writer.close();

    const reading = async () => {
      for await (const _ of mergeRuns([file ?? ''], Row, byAtThenId)) void _;
    };

    await expect(reading()).rejects.toThrow(/bad-0\.ndjson: a record that does not fit its schema/);
  });
});
