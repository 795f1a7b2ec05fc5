// npm run bench -- floor: what `cairn simulate` costs at best, per event, in one warm process, beside what
// reading and JSON.parsing the file costs (docs/benchmarks.md, "floor12"). No decision is made here that the
// simulator does not make: the share is the one `--workers 1` runs (functions/cli/simulate/share.ts).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_LINES } from '../functions/cli/simulate/run-shares.ts';
import { openShare } from '../functions/cli/simulate/share.ts';
import { loadSimulationSetup } from '../functions/cli/simulation-setup.ts';
import { type EventLine, readEventLine } from '../functions/core/events/event-line.ts';
import type { RuntimeConfig } from '../functions/core/runtime/config.ts';
import type { LineBatch } from '../functions/core/simulate/partition.ts';
import { benchEvents, engineStepRound } from './engine-step.ts';
import { fmt } from './rounds.ts';

/** CPU microseconds (user and system, every thread) and wall milliseconds of `work`. */
export async function measured<T>(
  work: () => T | Promise<T>,
): Promise<{ cpuUs: number; wallMs: number; value: T }> {
  const wallStarted = performance.now();
  const started = process.cpuUsage();
  const value = await work();
  const { user, system } = process.cpuUsage(started);
  return { cpuUs: user + system, wallMs: performance.now() - wallStarted, value };
}

/** The sample journeys, lifecycle, policies and templates as `cairn simulate` loads them (its defaults). */
export async function simulateConfig(journeys = 'journeys'): Promise<RuntimeConfig> {
  const problems: string[] = [];
  const io = { stdout: () => {}, stderr: (s: string) => void problems.push(s), readFile: async () => '' };
  const setup = await loadSimulationSetup({ journeys, timezone: 'UTC' }, io, 'bench');
  if (typeof setup === 'number') throw new Error(`the sample journeys do not load: ${problems.join('\n')}`);
  return setup.config;
}

/** The event file's lines as `cairn simulate` reads them (JSON, the bus envelope, the entry's size), in batches. */
export function* eventLineBatches(
  text: string,
  size: number,
): Generator<Extract<EventLine, { kind: 'event' }>[]> {
  let batch: Extract<EventLine, { kind: 'event' }>[] = [];
  let number = 0;
  for (let from = 0; from < text.length; ) {
    const end = text.indexOf('\n', from);
    const line = readEventLine(text.slice(from, end === -1 ? text.length : end), ++number);
    from = end === -1 ? text.length : end + 1;
    if (line?.kind !== 'event') continue;
    batch.push(line);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Every event line of the file, read as `cairn simulate` reads them. */
export function eventLinesOf(text: string): Extract<EventLine, { kind: 'event' }>[] {
  return [...eventLineBatches(text, BATCH_LINES)].flat();
}

/** What Node does for the goal's reference: read the whole file, then JSON.parse every line. */
export function readAndParse(file: string): number {
  let events = 0;
  for (const line of readFileSync(file, 'utf8').split('\n'))
    if (line !== '') {
      JSON.parse(line);
      events++;
    }
  return events;
}

/**
 * One pass of a fresh share of one over the file's text, its lines read and handed on in batches as the
 * command does, then its clock run on to 30 days past the last event (finish). Only the text is held, not
 * every event: a heap holding them all would make the collector's work unlike the command's. Returns the CPU
 * of the two phases and the records made.
 */
export async function sharePass(
  config: RuntimeConfig,
  text: string,
  dir: string,
): Promise<{ takeUs: number; finishUs: number; messages: number; sent: number; enrollments: number }> {
  const share = openShare({ config, dir, index: 0 });
  const take = await measured(async () => {
    for (const slice of eventLineBatches(text, BATCH_LINES)) {
      const batch: LineBatch = {
        wallNow: Date.now(),
        ats: slice.map((line) => line.at ?? null),
        own: slice.map((line, index) => ({ index, line: line.line, id: line.id, value: line.value })),
      };
      await share.take(batch);
    }
  });
  const finish = await measured(() => share.finish(undefined, 30));
  const part = finish.value;
  return {
    takeUs: take.cpuUs,
    finishUs: finish.cpuUs,
    messages: part.messages.count,
    sent: part.messages.sent,
    enrollments: part.enrollments.count,
  };
}

type Pass = Awaited<ReturnType<typeof sharePass>>;

export type FloorFigures = {
  events: number;
  parse: { cpuUs: number; wallMs: number };
  readLines: { cpuUs: number };
  engineStepUs: number;
  passes: [Pass, Pass];
};

/** The engine step's CPU microseconds over the events, warm: the second of two rounds (bench/engine-step.ts). */
function warmEngineStepUs(config: RuntimeConfig, count: number): number {
  const events = benchEvents(count);
  engineStepRound(config, events);
  return (events.length / engineStepRound(config, events)) * 1e6;
}

/**
 * The floor's parts over the first `count` bench events, each a microsecond figure for all the events: the
 * reference read and parse (the better of two), the command's reading of the lines, the engine step warm (the
 * second of two rounds), and two passes of a share (the second warm; each pass a fresh share).
 */
export async function simulateFloor(count: number, journeys = 'journeys'): Promise<FloorFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-floor-'));
  try {
    const file = join(dir, 'events.ndjson');
    await writeFile(
      file,
      benchEvents(count)
        .map((event) => `${JSON.stringify(event)}\n`)
        .join(''),
    );
    const parses = [await measured(() => readAndParse(file)), await measured(() => readAndParse(file))];
    const parse = parses.reduce((best, next) => (next.cpuUs < best.cpuUs ? next : best));
    const text = readFileSync(file, 'utf8');
    const read = await measured(() => eventLinesOf(text).length);
    const config = await simulateConfig(journeys);
    const engineStepUs = warmEngineStepUs(config, count);
    const cold = await sharePass(config, text, await mkdtemp(join(dir, 'pass-')));
    const warm = await sharePass(config, text, await mkdtemp(join(dir, 'pass-')));
    return {
      events: read.value,
      parse: { cpuUs: parse.cpuUs, wallMs: parse.wallMs },
      readLines: { cpuUs: read.cpuUs },
      engineStepUs,
      passes: [cold, warm],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints the floor's figures per event, against the goal's budget (4 times the parse's time, on 2 cores). */
export async function printSimulateFloor(
  count = Number(process.env.CAIRN_BENCH_FLOOR_EVENTS ?? 200_000),
): Promise<void> {
  const f = await simulateFloor(count);
  const per = (us: number) => `${fmt(us / f.events, 2)} µs`;
  const [cold, warm] = f.passes;
  const pass = warm.takeUs + warm.finishUs;
  console.log(`floor: ${fmt(f.events)} bench events, one process, per event (CPU unless said)`);
  console.log(
    `floor: read and JSON.parse the file: ${per(f.parse.cpuUs)} (wall ${per(f.parse.wallMs * 1000)})`,
  );
  console.log(
    `floor: the lines as cairn simulate reads them (JSON, envelope, size): ${per(f.readLines.cpuUs)}`,
  );
  console.log(`floor: the engine step alone, warm: ${per(f.engineStepUs)}`);
  for (const [name, p] of [
    ['first', cold],
    ['second (warm)', warm],
  ] as const)
    console.log(
      `floor: one share, ${name} pass: the lines read and put ${per(p.takeUs)}, the clock run on ${per(p.finishUs)}, together ${per(p.takeUs + p.finishUs)} (${fmt(p.enrollments)} enrollments, ${fmt(p.sent)} of ${fmt(p.messages)} messages sent)`,
    );
  // The parse is one burst of one thread: idle, its wall time is its CPU time, which a loaded machine moves less.
  const budget = (4 * 2 * f.parse.cpuUs) / f.events;
  console.log(
    `floor: the goal's budget, 4 x the parse's time (its CPU) on 2 cores: ${fmt(budget, 2)} CPU µs an event; the warm pass takes ${fmt(pass / f.events / budget, 1)} x that, the engine step alone ${fmt(f.engineStepUs / f.events / budget, 2)} x`,
  );
}
