// npm run bench: measures what the docs/benchmarks.md figures come from, and prints them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { audienceRunFanOut, audienceRunSegment } from './audience-runs.ts';
import { functionBundles } from './bundles.ts';
import { costPerMillionEvents } from './cost.ts';
import { engineStep } from './engine-step.ts';
import { importThroughput } from './import-profiles.ts';
import { localStackIngest } from './local-stack.ts';
import { writeMillionEvents } from './million-events.ts';
import { reportOverMillionEvents } from './report.ts';
import { reportPageParts } from './report-page.ts';
import { segmentEvaluation } from './segments.ts';
import { printSimulateFloor } from './simulate-floor.ts';
import { simulateAgainstParse } from './simulate-vs-parse.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The SHA-256 of a file, read as a stream. */
async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * A 1,000,000-event simulation through the CLI code path, NDJSON parsing included, each in a fresh process: on
 * one worker and on one per core, each writing --out, which must be the same bytes.
 */
async function millionEventSimulation(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
  const file = join(dir, 'events.ndjson');
  try {
    const count = await writeMillionEvents(file);
    console.log(
      `simulate: generated ${fmt(count)} events into a temporary file; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}`,
    );
    const run = (...args: string[]) => {
      const raw = execFileSync(process.execPath, ['bench/simulate-file.mjs', file, ...args], {
        encoding: 'utf8',
      });
      return z
        .object({ code: z.number(), seconds: z.number(), maxRssMiB: z.number(), summary: z.string() })
        .parse(JSON.parse(raw));
    };
    const all = availableParallelism();
    const results = [1, all].map((workers) => {
      const out = join(dir, `result-${workers}.json`);
      const result = run('--workers', String(workers), '--out', out);
      console.log(
        `simulate: ${workers} worker${workers === 1 ? '' : 's'}: 1,000,000 events in ${fmt(result.seconds, 1)} s (${fmt(1_000_000 / result.seconds)} events/s), peak RSS ${fmt(result.maxRssMiB)} MiB (load ${loadavg()[0]?.toFixed(1)})`,
      );
      return { workers, out, ...result };
    });
    const [one, many] = results;
    if (one && many) {
      console.log(`simulate: ${one.summary}`);
      console.log(
        `simulate: ${all} workers against 1, same run: ${fmt(one.seconds / many.seconds, 2)}x the speed, ${fmt(many.maxRssMiB / one.maxRssMiB, 2)}x the peak memory`,
      );
      const same = (await sha256Of(one.out)) === (await sha256Of(many.out));
      console.log(
        `simulate: --out of ${all} workers ${same ? 'is byte-identical to' : 'DIFFERS from'} 1 worker's`,
      );
    }
    const parse = run('--parse-only');
    console.log(
      `simulate: reading and validating the same NDJSON alone takes ${fmt(parse.seconds, 1)} s (peak RSS ${fmt(parse.maxRssMiB)} MiB)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`,
);
// `npm run bench -- engine|local|bundles|cost|simulate|import|segments|report|report-page|runs|floor` runs only those figures.
const only = process.argv[2];
if (only === undefined || only === 'engine') {
  await engineStep();
  await simulateAgainstParse();
}
if (only === undefined || only === 'local') await localStackIngest();
if (only === undefined || only === 'bundles') await functionBundles();
if (only === undefined || only === 'cost') await costPerMillionEvents();
if (only === undefined || only === 'simulate') await millionEventSimulation();
if (only === undefined || only === 'import') await importThroughput();
if (only === undefined || only === 'segments') await segmentEvaluation();
if (only === undefined || only === 'report') await reportOverMillionEvents();
if (only === undefined || only === 'runs') {
  await audienceRunFanOut();
  await audienceRunSegment();
}
if (only === undefined || only === 'report-page') await reportPageParts();
// Not in the full run: what `cairn simulate` costs at best, per event (docs/benchmarks.md, "floor12").
if (only === 'floor') await printSimulateFloor();
