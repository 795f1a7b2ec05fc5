// npm run bench -- engine (second part): `cairn simulate` of 200,000 generated events against the time Node
// takes to read and JSON.parse the same file, in the same run (docs/benchmarks.md, "cairn simulate").
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
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

/** Writes the CPU time of the process it is loaded into, at its exit (see the file). */
const CPU_AT_EXIT = new URL('./cpu-at-exit.mjs', import.meta.url).href;

/** Seconds of a fresh Node process: wall time from its start to its exit, and the CPU time it used. */
type Timed = { wall: number; cpu: number };

/** Runs a fresh Node process and times it (Timed); throws when it fails. */
function timed(args: readonly string[], cpuFile: string): Timed {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, CAIRN_BENCH_CPU_FILE: cpuFile },
  });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return { wall, cpu: cpuSeconds(readFileSync(cpuFile, 'utf8')) };
}

/** User plus system seconds from what cpu-at-exit.mjs wrote. */
function cpuSeconds(text: string): number {
  const used: unknown = JSON.parse(text);
  if (
    typeof used !== 'object' ||
    used === null ||
    !('userCPUTime' in used) ||
    !('systemCPUTime' in used) ||
    typeof used.userCPUTime !== 'number' ||
    typeof used.systemCPUTime !== 'number'
  )
    throw new Error(`cpu-at-exit.mjs wrote no CPU times: ${text}`);
  return (used.userCPUTime + used.systemCPUTime) / 1e6;
}

async function writeEvents(file: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  const events = benchEvents(count);
  for (const event of events)
    if (!out.write(`${JSON.stringify(event)}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return events.length;
}

/**
 * Rounds of the two, each a fresh process timed from start to exit: `node -e` reading the file and parsing
 * each line, then `cairn simulate --events FILE` with the defaults (journeys, lifecycle, policies), its report
 * discarded. The ratio is taken per round, so both halves of it share the machine's load of the moment; in wall
 * time (the reading) and in CPU time (user and system of each process, all its threads), which the load
 * of a shared machine changes less. With its default workers, the simulation may take its wall time from two
 * cores; its CPU time adds them up.
 */
export async function simulateAgainstParse(
  rounds = Number(process.env.CAIRN_BENCH_ROUNDS ?? 5),
  events = BENCH_EVENTS.count,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
  const file = join(dir, 'events.ndjson');
  const cpuFile = join(dir, 'cpu.json');
  try {
    const count = await writeEvents(file, events);
    const parse: Timed[] = [];
    const simulate: Timed[] = [];
    for (let round = 0; round < rounds; round++) {
      parse.push(timed(['-e', READ_AND_PARSE, file], cpuFile));
      simulate.push(timed(['bin/cairn.mjs', 'simulate', '--events', file], cpuFile));
    }
    const { users, days, seed } = BENCH_EVENTS.options;
    console.log(
      `simulate vs parse: ${fmt(count)} generated events (${fmt(users)} customers, ${days} days, seed ${seed}), ${rounds} rounds, seconds (min / median / max)`,
    );
    for (const [name, of, rate] of [
      ['wall time', (t: Timed) => t.wall, 'events/s'],
      ['CPU time', (t: Timed) => t.cpu, 'events per CPU second'],
    ] as const) {
      console.log(
        `simulate vs parse: ${name}: node reads and JSON.parses the file: ${spread(parse.map(of), 2)} s`,
      );
      console.log(
        `simulate vs parse: ${name}: cairn simulate --events FILE: ${spread(simulate.map(of), 2)} s`,
      );
      console.log(
        `simulate vs parse: ${name}: ratio: ${spread(
          simulate.map((s, i) => of(s) / of(parse[i] ?? { wall: Number.NaN, cpu: Number.NaN })),
          1,
        )} (goal, in wall time: at most 4); ${spread(
          simulate.map((s) => count / of(s)),
          0,
        )} ${rate}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
