// npm run bench: measures what the docs/benchmarks.md figures come from, and prints them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import type { CustomerEvent } from '../functions/core/events/index.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import { noPolicies } from '../functions/core/policies/config.ts';
import type { RuntimeConfig } from '../functions/core/runtime/config.ts';
import { Simulation } from '../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';
import { audienceRunFanOut, audienceRunSegment } from './audience-runs.ts';
import { functionBundles } from './bundles.ts';
import { costPerMillionEvents } from './cost.ts';
import { importThroughput } from './import-profiles.ts';
import { localStackIngest } from './local-stack.ts';
import { writeMillionEvents } from './million-events.ts';
import { reportOverMillionEvents } from './report.ts';
import { reportPageParts } from './report-page.ts';
import { segmentEvaluation } from './segments.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The sample journeys, templates, lifecycle.yaml and policies.yaml, as a function runs them. */
async function sampleConfig(withModels: boolean): Promise<RuntimeConfig> {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  return withModels ? config : { ...config, lifecycle: undefined, policies: noPolicies() };
}

/**
 * Events per second through the simulator (the runtime's use cases on in-memory ports: engine, policies,
 * templates, queues, timers, tally) over events already in memory.
 */
async function engineThroughput(withModels: boolean): Promise<void> {
  const config = await sampleConfig(withModels);
  const events: CustomerEvent[] = [
    ...generateEvents({ users: 10_000, days: 30, seed: 42, start: '2026-11-01' }),
  ];
  const rates: number[] = [];
  let outcome = '';
  for (let round = 0; round < 4; round++) {
    // A fresh simulation per run: every run starts with no state and no sends counted.
    const simulation = new Simulation({ config });
    const started = performance.now();
    for (const event of events) await simulation.processEvent(event);
    await simulation.finish(Date.parse(events.at(-1)?.time ?? '') + 30 * 86_400_000);
    const seconds = (performance.now() - started) / 1000;
    if (round > 0) rates.push(events.length / seconds);
    outcome = `${fmt(simulation.tally.enrollments.size)} enrollments, ${fmt(simulation.tally.messages.size)} messages`;
  }
  rates.sort((a, b) => a - b);
  const what = withModels ? 'engine + lifecycle + policies' : 'engine';
  console.log(
    `${what}: ${fmt(events.length)} events (10,000 users, 30 days, 5 sample journeys active) -> ${outcome}`,
  );
  console.log(
    `${what}: median of 3 runs after a warm-up: ${fmt(rates[1] ?? 0)} events/s on one core (runs: ${rates.map((r) => fmt(r)).join(', ')})`,
  );
}

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
      const raw = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'bench/simulate-file.ts', file, ...args],
        {
          encoding: 'utf8',
        },
      );
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
// `npm run bench -- engine|local|bundles|cost|simulate|import|segments|report|report-page|runs` runs only those figures.
const only = process.argv[2];
if (only === undefined || only === 'engine') {
  await engineThroughput(false);
  await engineThroughput(true);
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
