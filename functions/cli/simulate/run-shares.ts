import { setFlagsFromString } from 'node:v8';
import type { CallStub } from '../../core/calls/stubs.ts';
import { replayArrival } from '../../core/events/limits.ts';
import type { OutcomeRecord } from '../../core/outcomes/record.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import { userIdOf } from '../../core/simulate/customer.ts';
import type { SimulationPart } from '../../core/simulate/part.ts';
import { type OwnLine, partitionOf } from '../../core/simulate/partition.ts';
import type { RunResult } from '../../core/simulate/result.ts';
import { streamEventLinesWithText } from '../event-stream.ts';
import type { ShareSetup } from './protocol.ts';
import { openShare } from './share.ts';
import { workerEntry } from './worker-bundle.ts';
import { WorkerShare } from './worker-share.ts';

/** Lines per batch handed to the shares: each share is told every line's arrival (core/simulate/partition.ts). */
const BATCH_LINES = 2_000;

export type SharesRun = {
  /** The NDJSON event file. */
  events: string;
  /** How many shares: 1 runs in this thread, more in as many worker threads. */
  workers: number;
  /** What each worker loads (the same the command loaded into `config`), but for the share's number. */
  setup: Omit<ShareSetup, 'index'>;
  /**
   * The shares that put a customer's lines: by default the one of partitionOf. A subset's rerun
   * (subset-rerun.ts) puts some customers' lines in two shares and others' in none.
   */
  route?: (userId: string) => readonly number[];
  /** What differs for one share from `setup` (a subset's rerun logs outcomes from one share only). */
  setupOf?: (index: number) => Partial<Pick<ShareSetup, 'log' | 'waits'>>;
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

type Pending = OwnLine & { index: number; text: string };

/**
 * Reads the event file once and hands every line's arrival to every share and each line to the share of its
 * customer (partitionOf), in batches; then each share's part, once its clock has run to the end.
 */
export async function runShares(
  run: SharesRun,
): Promise<{ parts: SimulationPart[]; skipped: RunResult['skipped'] }> {
  // A V8 flag of the whole process, read at each collection, worker threads' heaps included: set before they start.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const local =
    run.workers === 1
      ? openShare({
          config: run.config,
          calls: run.calls,
          user: run.setup.user,
          log: run.log,
          dir: run.setup.dir,
          index: 0,
          waits: run.setup.waits,
        })
      : undefined;
  const append = (records: readonly OutcomeRecord[]) => run.log?.append(records);
  const entry = local ? undefined : await workerEntry();
  const workers = entry
    ? Array.from(
        { length: run.workers },
        (_, index) => new WorkerShare(entry, { ...run.setup, ...run.setupOf?.(index), index }, append),
      )
    : [];
  try {
    const skipped = await dispatch(run, async (ats, own, wallNow) => {
      if (local) await local.take({ wallNow, ats, own: own[0] ?? [] });
      else
        await Promise.all(
          workers.map((worker, share) =>
            worker.take({
              type: 'lines',
              wallNow,
              ats,
              own: (own[share] ?? []).map(({ index, line, text }) => ({ index, line, text })),
            }),
          ),
        );
    });
    const parts = local
      ? [await local.finish(run.until, run.daysAfter)]
      : await Promise.all(workers.map((worker) => worker.finish(run.until, run.daysAfter)));
    return { parts, skipped };
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw error;
  }
}

/** Reads the file and calls `flush` with each batch: every line's time, and each share's own lines. */
async function dispatch(
  run: SharesRun,
  flush: (ats: (number | null)[], own: Pending[][], wallNow: number) => Promise<void>,
): Promise<RunResult['skipped']> {
  const skipped: RunResult['skipped'] = [];
  let ats: (number | null)[] = [];
  let own: Pending[][] = Array.from({ length: run.workers }, () => []);
  let wallNow = Date.now();
  let events = 0;
  // The clock of one simulation, for progress only: each share runs its own to the same places.
  let clock = Number.NEGATIVE_INFINITY;
  const route = run.route ?? ((userId: string) => [partitionOf(userId, run.workers)]);
  for await (const { line, text } of streamEventLinesWithText(run.events)) {
    if (line.kind === 'skipped') {
      skipped.push({ line: line.line, reason: line.reason });
      run.onSkipped(line.line, line.reason);
      continue;
    }
    const pending = { index: ats.length, line: line.line, id: line.id, value: line.value, text };
    for (const share of route(userIdOf(line.value))) own[share]?.push(pending);
    ats.push(line.at ?? null);
    if (line.at !== undefined && Number.isFinite(line.at))
      clock = Number.isFinite(clock) ? Math.max(clock, replayArrival(line.at, clock, wallNow)) : line.at;
    if (++events % run.onProgress.every === 0) run.onProgress.tell(events, clock);
    if (ats.length >= BATCH_LINES) {
      await flush(ats, own, wallNow);
      ats = [];
      own = Array.from({ length: run.workers }, () => []);
      wallNow = Date.now();
    }
  }
  if (ats.length > 0) await flush(ats, own, wallNow);
  return skipped;
}
