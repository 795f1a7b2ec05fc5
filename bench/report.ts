// The outcome log's figures: records written per second by the files writer, and `cairn report`'s time over
// the log of the 1,000,000-event simulation (docs/benchmarks.md, "The outcome report").
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { OutcomeFiles } from '../functions/adapters/files/outcome-files.ts';
import { OutcomeRecord } from '../functions/core/outcomes/record.ts';
import { writeMillionEvents } from './million-events.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Every record of a log folder, in day order, parsed. */
export async function readLog(dir: string): Promise<OutcomeRecord[]> {
  const records: OutcomeRecord[] = [];
  for (const day of (await readdir(dir)).sort())
    for (const file of await readdir(join(dir, day))) {
      const lines = createInterface({ input: createReadStream(join(dir, day, file)) });
      for await (const line of lines) if (line) records.push(OutcomeRecord.parse(JSON.parse(line)));
    }
  return records;
}

/** The files writer alone: the records appended as the observer appends them (a few per input), then flushed. */
export async function writerThroughput(records: readonly OutcomeRecord[], dir: string): Promise<number> {
  const files = new OutcomeFiles({ dir, name: 'bench' });
  const started = performance.now();
  for (let i = 0; i < records.length; i += 4) files.append(records.slice(i, i + 4));
  await files.flush();
  return records.length / ((performance.now() - started) / 1000);
}

/** `cairn report` in a fresh process, as a user runs it: its wall time in seconds. */
function timeReport(...args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, ['bin/cairn.mjs', 'report', ...args], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

export async function reportOverMillionEvents(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-report-'));
  try {
    const events = join(dir, 'events.ndjson');
    const log = join(dir, 'log');
    await writeMillionEvents(events);
    const raw = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/simulate-file.ts', events, '--log', log],
      { encoding: 'utf8' },
    );
    const run = z
      .object({ seconds: z.number(), maxRssMiB: z.number(), written: z.string() })
      .parse(JSON.parse(raw));
    console.log(
      `report: simulate --log over 1,000,000 events: ${fmt(run.seconds, 1)} s, peak RSS ${fmt(run.maxRssMiB)} MiB; ${run.written}`,
    );
    const records = await readLog(log);
    const rates: number[] = [];
    for (let round = 0; round < 3; round++)
      rates.push(await writerThroughput(records, join(dir, `again-${round}`)));
    rates.sort((a, b) => a - b);
    console.log(
      `report: the files writer: ${fmt(records.length)} records, median of 3 runs ${fmt(rates[1] ?? 0)} records/s (runs: ${rates.map((r) => fmt(r)).join(', ')})`,
    );
    const table = timeReport('--log', log);
    const html = timeReport('--log', log, '--html', join(dir, 'report.html'));
    const journey = timeReport('--log', log, '--journey', 'win-back');
    console.log(
      `report: cairn report --log over ${fmt(records.length)} records: ${fmt(table, 1)} s (table), ${fmt(html, 1)} s (with --html), ${fmt(journey, 1)} s (--journey win-back)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
