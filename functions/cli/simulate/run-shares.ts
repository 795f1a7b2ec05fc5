import { setFlagsFromString } from 'node:v8';
import type { CallStub } from '../../core/calls/stubs.ts';
import { replayArrival } from '../../core/events/limits.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import { HOT_STATE_CHARS } from '../../core/runtime/in-memory-customer-state-store.ts';
import { userIdOf } from '../../core/simulate/customer.ts';
import type { SimulationPart } from '../../core/simulate/part.ts';
import { type OwnLine, partitionOf } from '../../core/simulate/partition.ts';
import type { RunResult } from '../../core/simulate/result.ts';
import { streamEventLinesWithText } from '../event-stream.ts';
import type { EventIndex } from './event-index.ts';
import type { ShareSetup, WorkerSetup } from './protocol.ts';
import { openShare } from './share.ts';
import { workerEntry } from './worker-bundle.ts';
import { WorkerPool } from './worker-share.ts';

/** Lines per batch handed to the shares: each share is told every line's arrival (core/simulate/partition.ts). */
export const BATCH_LINES = 2_000;

export type SharesRun = {
  /** The NDJSON event file. */
  events: string;
  /** How many shares the customers are split into in this pass. */
  shares: number;
  /** The worker threads that hold the shares (startWorkers); without them, the one share runs in this thread. */
  pool: WorkerPool | undefined;
  /** The worker that holds share `index`: by default share i on worker i (of as many as there are). */
  placeOn?: (index: number) => number;
  /** What every share of the pass is set up with, but for its number. */
  share: Omit<ShareSetup, 'index' | 'hotStateChars'>;
  /**
   * The shares that put a customer's lines: by default the one of partitionOf. A subset's rerun
   * (subset-rerun.ts) puts some customers' lines in two shares and others' in none.
   */
  route?: (userId: string) => readonly number[];
  /**
   * The first pass notes every event line's time and customer (`note`); a later pass over the same file, on
   * worker threads, replays them from there instead of parsing every line again (`replay`).
   */
  index?: { note?: EventIndex; replay?: EventIndex };
  /** What differs for one share from `share` (a subset's rerun logs outcomes from one share only). */
  setupOf?: (index: number) => Partial<Pick<ShareSetup, 'log' | 'waits' | 'records'>>;
  /** `--user`: the customer whose timeline the share in this thread keeps (a worker has it from its setup). */
  user: string | undefined;
  config: RuntimeConfig;
  calls: readonly CallStub[] | undefined;
  until: number | undefined;
  daysAfter: number;
  /** Where the outcome records go (`--log`). */
  log: OutcomeLog | undefined;
  onSkipped: (line: number, reason: string) => void;
  /** Told every `every` events read, with the virtual time they arrive at. */
  onProgress: { every: number; tell: (events: number, virtualNow: number) => void };
};

/**
 * How far V8 lets a heap grow past what it held after its last full collection before it collects again: a
 * factor of 1.5. V8's own choice on a machine with this much memory goes up to 4 when it collects faster than
 * the code allocates, which a simulation (much garbage, a slowly growing set of customers) triggers: a share
 * then peaked at several times what it held. Measured on the first 60,000 events of the 1,000,000-event file,
 * one share: peak RSS 210 MiB against 249 MiB, for 2% more CPU (docs/benchmarks.md).
 */
const HEAP_GROWING_PERCENT = 50;

/** Lets the heaps of this thread and of the workers started after it grow as HEAP_GROWING_PERCENT says. */
function limitHeapGrowth(): void {
  // A V8 flag of the whole process, read at each collection, worker threads' heaps included: set before they start.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * The worker threads of `cairn simulate --workers N`, each loading what the command loaded: started once, they
 * keep their runtime (loaded, and compiled by V8 as it ran) from the first pass over the file to the next.
 */
export async function startWorkers(setup: WorkerSetup, count: number): Promise<WorkerPool> {
  limitHeapGrowth();
  return new WorkerPool(await workerEntry(), setup, count);
}

type Pending = OwnLine & { index: number; text: string };

/**
 * Reads the event file once and hands every line's arrival to every share and each line to the share of its
 * customer (partitionOf), in batches; then each share's part, once its clock has run to the end.
 */
export async function runShares(
  run: SharesRun,
): Promise<{ parts: SimulationPart[]; skipped: RunResult['skipped'] }> {
  limitHeapGrowth();
  // The shares' heaps add up in this one process: the hot states' budget of one simulation is split among them.
  const hotStateChars = Math.floor(HOT_STATE_CHARS / run.shares);
  const setupOf = (index: number): ShareSetup => ({
    ...run.share,
    ...run.setupOf?.(index),
    index,
    hotStateChars,
  });
  if (!run.pool) {
    // A replayed line has no value: a share of this thread takes lines parsed here.
    if (run.shares !== 1 || run.index?.replay) throw new Error(`${run.shares} shares need worker threads`);
    const local = openShare({
      config: run.config,
      calls: run.calls,
      user: run.user,
      log: run.log,
      dir: run.share.dir,
      index: 0,
      waits: run.share.waits,
    });
    const skipped = await dispatch(run, (ats, own, wallNow) =>
      local.take({ wallNow, ats, own: own[0] ?? [] }),
    );
    return { parts: [await local.finish(run.until, run.daysAfter)], skipped };
  }
  const { workers } = run.pool;
  const placeOn = run.placeOn ?? ((index: number) => index % workers.length);
  // The shares each worker holds, in the order their parts come back.
  const held = workers.map((_, at) =>
    Array.from({ length: run.shares }, (_, index) => index).filter((index) => placeOn(index) === at),
  );
  const busy = workers.flatMap((worker, at) => {
    const indexes = held[at] ?? [];
    return indexes.length > 0 ? [{ worker, indexes }] : [];
  });
  for (const { worker, indexes } of busy) {
    worker.onOutcomes = (records) => run.log?.append(records);
    worker.open(indexes.map(setupOf));
  }
  const skipped = await dispatch(run, async (ats, own, wallNow) => {
    await Promise.all(
      busy.map(({ worker, indexes }) =>
        worker.take({
          type: 'lines',
          wallNow,
          ats,
          own: indexes.map((index) =>
            (own[index] ?? []).map(({ index, line, text }) => ({ index, line, text })),
          ),
        }),
      ),
    );
  });
  const finished = await Promise.all(busy.map(({ worker }) => worker.finish(run.until, run.daysAfter)));
  const byIndex = new Map<number, SimulationPart>();
  for (const [at, { indexes }] of busy.entries())
    for (const [position, index] of indexes.entries()) {
      const part = finished[at]?.[position];
      if (part) byIndex.set(index, part);
    }
  const parts = Array.from({ length: run.shares }, (_, index) => {
    const part = byIndex.get(index);
    if (!part) throw new Error(`share ${index} handed back no part`);
    return part;
  });
  return { parts, skipped };
}

/** An event line as a pass hands it on: read now (with its value and id, for a share of this thread) or replayed. */
type Read = { line: number; at: number | null; userId: string; text: string; own?: OwnLine };

/**
 * The event lines of the file: parsed (the skipped ones told, each one noted in `run.index`), or, when the
 * first pass noted them, replayed from the index without parsing (EventIndex).
 */
async function* eventLines(run: SharesRun, skipped: RunResult['skipped']): AsyncGenerator<Read> {
  if (run.index?.replay) {
    yield* run.index.replay.replay(run.events);
    return;
  }
  const noted = run.index?.note;
  for await (const { line, text } of streamEventLinesWithText(run.events)) {
    if (line.kind === 'skipped') {
      skipped.push({ line: line.line, reason: line.reason });
      run.onSkipped(line.line, line.reason);
      continue;
    }
    const read = {
      line: line.line,
      at: line.at ?? null,
      userId: userIdOf(line.value),
      text,
      own: { line: line.line, id: line.id, value: line.value },
    };
    noted?.add(read.line, read.at, read.userId);
    yield read;
  }
}

/** Reads the file and calls `flush` with each batch: every line's time, and each share's own lines. */
async function dispatch(
  run: SharesRun,
  flush: (ats: (number | null)[], own: Pending[][], wallNow: number) => Promise<void>,
): Promise<RunResult['skipped']> {
  const skipped: RunResult['skipped'] = [];
  let ats: (number | null)[] = [];
  let own: Pending[][] = Array.from({ length: run.shares }, () => []);
  let wallNow = Date.now();
  let events = 0;
  // The clock of one simulation, for progress only: each share runs its own to the same places.
  let clock = Number.NEGATIVE_INFINITY;
  const route = run.route ?? ((userId: string) => [partitionOf(userId, run.shares)]);
  for await (const read of eventLines(run, skipped)) {
    const shares = route(read.userId);
    if (shares.length > 0) {
      const pending = {
        index: ats.length,
        text: read.text,
        ...(read.own ?? { line: read.line, id: '', value: undefined }),
      };
      for (const share of shares) own[share]?.push(pending);
    }
    const { at } = read;
    ats.push(at);
    if (at !== null && Number.isFinite(at))
      clock = Number.isFinite(clock) ? Math.max(clock, replayArrival(at, clock, wallNow)) : at;
    if (++events % run.onProgress.every === 0) run.onProgress.tell(events, clock);
    if (ats.length >= BATCH_LINES) {
      await flush(ats, own, wallNow);
      ats = [];
      own = Array.from({ length: run.shares }, () => []);
      wallNow = Date.now();
    }
  }
  if (ats.length > 0) await flush(ats, own, wallNow);
  return skipped;
}
