import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryOutcomeFolder } from '../../functions/adapters/duckdb/outcome-sql.ts';
import { main } from '../../functions/cli/main.ts';
import { DUCKDB, outcomeQuery } from '../../functions/core/outcomes/queries.ts';
import { OutcomeRecord } from '../../functions/core/outcomes/record.ts';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { memoryIo, tempDir } from './support.ts';

describe('cairn simulate --log', () => {
  it('writes the outcome log in day folders, one valid record a line, that the SQL reads back', async () => {
    // Prepare
    const dir = await tempDir();
    const log = join(dir, 'outcomes');
    const out = join(dir, 'result.json');
    const { io, out: stdout } = memoryIo();

    // Act
    const code = await main(
      ['simulate', '--events', 'journeys/events/sample.ndjson', '--log', log, '--out', out],
      io,
    );

    // Assess
    expect(code).toBe(0);
    const days = (await readdir(log)).sort();
    expect(days[0]).toBe('dt=2026-11-01');
    let lines = 0;
    for (const day of days) {
      expect(await readdir(join(log, day))).toEqual(['simulate.ndjson']);
      const text = await readFile(join(log, day, 'simulate.ndjson'), 'utf8');
      for (const line of text.trimEnd().split('\n')) {
        const record = OutcomeRecord.parse(JSON.parse(line));
        expect(`dt=${record.occurred_at.slice(0, 10)}`).toBe(day);
        lines++;
      }
    }
    expect(stdout).toContain(`Wrote ${lines} outcome record(s) under ${log}`);
    const result: RunResult = JSON.parse(await readFile(out, 'utf8'));
    const entered = await queryOutcomeFolder(log, outcomeQuery('entered', DUCKDB));
    expect(Object.fromEntries(entered.map((r) => [r.journey_id, r.entered]))).toEqual(
      Object.fromEntries(
        Object.entries(result.journeys)
          .filter(([, j]) => j.entered > 0)
          .map(([id, j]) => [id, j.entered]),
      ),
    );
  }, 60_000);

  it('a second run replaces its own files, so the records are not counted twice', async () => {
    // Prepare
    const log = join(await tempDir(), 'outcomes');
    const run = () =>
      main(['simulate', '--events', 'journeys/events/sample.ndjson', '--log', log], memoryIo().io);
    await run();
    const first = await readFile(join(log, 'dt=2026-11-01', 'simulate.ndjson'), 'utf8');

    // Act
    await run();

    // Assess
    expect(await readFile(join(log, 'dt=2026-11-01', 'simulate.ndjson'), 'utf8')).toBe(first);
  }, 60_000);

  it('says where the log could not be written, and exits 1', async () => {
    // Prepare: a file where the folder should be.
    const file = join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'x');
    const { io, err } = memoryIo();

    // Act
    const code = await main(['simulate', '--events', 'journeys/events/sample.ndjson', '--log', file], io);

    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`cairn simulate: cannot write the outcome log under ${file}:`);
  }, 60_000);
});
