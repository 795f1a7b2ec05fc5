// npm run bench -- engine (second part): `cairn simulate` of 200,000 generated events against the time Node
// takes to read and JSON.parse the same file, in the same run (docs/benchmarks.md, "cairn simulate").
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_EVENTS, benchEvents } from './engine-step.ts';
import { fmt, spread } from './rounds.ts';

/** What the reference process does: read the whole file, then JSON.parse every line. */
const READ_AND_PARSE = `
const text = require('node:fs').readFileSync(process.argv[1], 'utf8');
let events = 0;
for (const line of text.split('\\n')) if (line !== '') { JSON.parse(line); events++; }
if (events === 0) process.exit(1);
`;

/** Wall seconds of a fresh Node process, from its start to its exit; throws when it fails. */
function timed(args: readonly string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return seconds;
}

async function writeEvents(file: string): Promise<number> {
  const out = createWriteStream(file);
  const events = benchEvents();
  for (const event of events)
    if (!out.write(`${JSON.stringify(event)}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return events.length;
}

/**
 * Rounds of the two, each a fresh process timed from start to exit: `node -e` reading the file and parsing
 * each line, then `cairn simulate --events FILE` with the defaults (journeys, lifecycle, policies), its report
 * discarded. The ratio is taken per round, so both halves of it share the machine's load of the moment.
 */
export async function simulateAgainstParse(
  rounds = Number(process.env.CAIRN_BENCH_ROUNDS ?? 5),
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
  const file = join(dir, 'events.ndjson');
  try {
    const count = await writeEvents(file);
    const parse: number[] = [];
    const simulate: number[] = [];
    for (let round = 0; round < rounds; round++) {
      parse.push(timed(['-e', READ_AND_PARSE, file]));
      simulate.push(timed(['bin/cairn.mjs', 'simulate', '--events', file]));
    }
    const { users, days, seed } = BENCH_EVENTS.options;
    console.log(
      `simulate vs parse: ${fmt(count)} generated events (${fmt(users)} customers, ${days} days, seed ${seed}), ${rounds} rounds, seconds of wall time (min / median / max)`,
    );
    console.log(`simulate vs parse: node reads and JSON.parses the file: ${spread(parse, 2)} s`);
    console.log(`simulate vs parse: cairn simulate --events FILE: ${spread(simulate, 2)} s`);
    console.log(
      `simulate vs parse: ratio: ${spread(
        simulate.map((s, i) => s / (parse[i] ?? Number.NaN)),
        1,
      )} (goal: at most 4); ${spread(
        simulate.map((s) => count / s),
        0,
      )} events/s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
