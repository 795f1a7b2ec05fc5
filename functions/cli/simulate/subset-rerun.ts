import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OutcomeFiles } from '../../adapters/files/outcome-files.ts';
import type { JourneyCatalog } from '../../core/engine/catalog.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import type { DeclaredGroup } from '../../core/results/group-results.ts';
import { type MergedParts, mergeParts, type SimulationPart } from '../../core/simulate/part.ts';
import { partitionOf } from '../../core/simulate/partition.ts';
import type { RunResult } from '../../core/simulate/result.ts';
import {
  boundAskers,
  cheaperApart,
  coupledAskers,
  type SubsetRun,
  waitCoupled,
} from '../../core/simulate/subset.ts';
import { mergeSubset } from '../../core/simulate/subset-merge.ts';
import { EventIndex } from './event-index.ts';
import type { ShareSetup } from './protocol.ts';
import { spliceOutcomeLog } from './subset-log.ts';

/** One pass over the event file (run-shares.ts), as the command runs it. */
export type SharePass = {
  /** How many shares (run-shares.ts, SharesRun). */
  shares: number;
  /** The worker that holds each share, when not share i on worker i. */
  placeOn?: (index: number) => number;
  /** The folder its shares write their records to. */
  dir: string;
  log: OutcomeLog | undefined;
  /** Whether the shares write their queue waits (ShareOptions.waits). */
  waits: boolean;
  route?: (userId: string) => readonly number[];
  setupOf?: (index: number) => Partial<Pick<ShareSetup, 'log' | 'waits' | 'records'>>;
  /** The event lines the first pass notes and a later one replays (run-shares.ts, SharesRun). */
  index?: { note?: EventIndex; replay?: EventIndex };
  /** A pass over the file again: the first told its skipped lines and progress. */
  again: boolean;
};

export type SharesOutcome = { parts: SimulationPart[]; skipped: RunResult['skipped'] };

/** What `cairn simulate` prints and writes from, and its outcome log (`--log`) to flush. */
export type Simulated = {
  merged: MergedParts;
  skipped: RunResult['skipped'];
  log: { flush(): Promise<void>; readonly count: number } | undefined;
};

export type SubsetOptions = {
  workers: number;
  dir: string;
  logDir: string | undefined;
  user: string | undefined;
  catalog: JourneyCatalog;
  declared: Record<string, DeclaredGroup[]>;
  run: (pass: SharePass) => Promise<SharesOutcome>;
  /** Says what is simulated again, and why. */
  tell: (text: string) => void;
};

/**
 * The file simulated on `workers` shares. Where a journey's send-rate limit bound across them
 * (core/simulate/subset.ts), the customers whose sends it queued are simulated again together on one more share,
 * and each share's of them alone beside it (to take their part out of the first pass), in one more pass over the
 * file; until the merge couples no other customer with them (their sends, queued together, reaching a second
 * another customer's send asked for, or stopping the clock inside another customer's wait), each round adding
 * those. Once they hold half the lines or
 * more (every customer, at the end), the whole file is simulated again on one worker instead (cheaperApart).
 */
export async function simulateShares(options: SubsetOptions): Promise<Simulated> {
  const { workers, run, tell } = options;
  const logTo = (dir: string) => new OutcomeFiles({ dir, name: 'simulate' });
  const log = options.logDir === undefined ? undefined : logTo(options.logDir);
  // Each customer's lines: a subset holding half of them costs more apart than the whole file on one worker.
  const linesOf = new Map<string, number>();
  // Only a send-rate limit couples the shares (coupledCustomers): without a journey that has one, no rerun can
  // follow, so neither the queue waits nor the index of event lines it would replay are kept.
  const coupled = workers > 1 && anyLimit(options.catalog);
  const index = coupled ? new EventIndex() : undefined;
  const first = await run({
    waits: coupled,
    ...(index ? { index: { note: index } } : {}),
    shares: workers,
    dir: options.dir,
    log,
    again: false,
    ...(workers > 1
      ? {
          route: (userId: string) => {
            linesOf.set(userId, (linesOf.get(userId) ?? 0) + 1);
            return [partitionOf(userId, workers)];
          },
        }
      : {}),
  });
  const bound = workers > 1 ? boundAskers(first.parts) : undefined;
  if (!bound || bound.journeys.size === 0)
    return {
      merged: mergeParts(first.parts, options.catalog, options.declared),
      skipped: first.skipped,
      log,
    };
  let subset = bound.customers;
  tell(
    `the send-rate limit of ${[...bound.journeys].join(', ')} bound (more of its sends in one second than it allows, all workers together); simulating the ${subset.size} customer(s) whose sends it queued again together, as one queue orders them`,
  );
  for (let round = 1; ; round++) {
    if (!cheaperApart(...linesIn(linesOf, subset)))
      return wholeAgain(options, first, log, linesOf, subset, index);
    const rerun = await rerunSubset(options, first, subset, round, index);
    const more = await coupledCustomers(rerun.passes, subset);
    if (more.size === 0)
      return {
        merged: mergeSubset(rerun.passes, subset, options.user, options.catalog, options.declared),
        skipped: first.skipped,
        log:
          log &&
          rerun.log &&
          splicedLog({ log, dir: options.logDir ?? '' }, { log: rerun.log, dir: rerun.logDir }, subset),
      };
    tell(
      `simulated together, they couple ${more.size} more customer(s) with them (a limit's queue reaching their sends, or a paced send inside their wait); again with those`,
    );
    subset = new Set([...subset, ...more]);
  }
}

/**
 * Whether a journey of the catalog has a send-rate limit. A send asks its journey's limit by the version it was
 * made by (runtime/deliver-ports.ts); a simulation's catalog is the journeys it loaded, one version each.
 */
function anyLimit(catalog: JourneyCatalog): boolean {
  for (const journey of catalog.latest()) if (journey.journey.sendRate) return true;
  return false;
}

/** The lines of the subset's customers, and of all. */
function linesIn(linesOf: ReadonlyMap<string, number>, subset: ReadonlySet<string>): [number, number] {
  let inSubset = 0;
  let all = 0;
  for (const [customer, count] of linesOf) {
    all += count;
    if (subset.has(customer)) inSubset += count;
  }
  return [inSubset, all];
}

/**
 * One more pass over the file: the subset's customers together on share `workers`, and each share's of them alone
 * on its own share (the shadow), in a folder of the round's; the outcome log of the one together.
 */
async function rerunSubset(
  options: SubsetOptions,
  first: SharesOutcome,
  subset: ReadonlySet<string>,
  round: number,
  index: EventIndex | undefined,
): Promise<{ passes: SubsetRun; log: OutcomeFiles | undefined; logDir: string }> {
  const { workers } = options;
  const dir = join(options.dir, `subset-${round}`);
  await mkdir(dir);
  const logDir = join(dir, 'log');
  const log = options.logDir === undefined ? undefined : new OutcomeFiles({ dir: logDir, name: 'simulate' });
  const again = await options.run({
    shares: workers + 1,
    ...(index ? { index: { replay: index } } : {}),
    // The subset together on the first worker, each share's of it alone on the others (all on the second of
    // two): the two halves of the rerun, about as many lines each, on the workers the first pass warmed up.
    placeOn: (index) => (index === workers ? 0 : 1 + (index % (workers - 1))),
    dir,
    log,
    waits: false,
    again: true,
    route: (userId) => (subset.has(userId) ? [partitionOf(userId, workers), workers] : []),
    // The shadow's counts are taken out of the first pass; its records no result reads.
    setupOf: (index) => ({ log: log !== undefined && index === workers, records: index === workers }),
  });
  const together = again.parts[workers];
  if (!together) throw new Error(`the subset's share ${workers} handed back no part`);
  return { passes: { parallel: first.parts, shadow: again.parts.slice(0, workers), together }, log, logDir };
}

/** The whole file again on one worker, which orders every send as one queue does; its log replaces the first's. */
async function wholeAgain(
  options: SubsetOptions,
  first: SharesOutcome,
  log: OutcomeFiles | undefined,
  linesOf: ReadonlyMap<string, number>,
  subset: ReadonlySet<string>,
  index: EventIndex | undefined,
): Promise<Simulated> {
  const [inSubset, all] = linesIn(linesOf, subset).map((count) => count.toLocaleString('en-US'));
  options.tell(
    `their lines are ${inSubset} of ${all}: simulating the whole file again on one worker costs less`,
  );
  // The first run's outcome records are replaced: a log's first write of a day replaces its file.
  await log?.flush().catch(() => {});
  const again =
    options.logDir === undefined ? undefined : new OutcomeFiles({ dir: options.logDir, name: 'simulate' });
  const dir = join(options.dir, 'whole');
  await mkdir(dir);
  const whole = await options.run({
    shares: 1,
    ...(index ? { index: { replay: index } } : {}),
    dir,
    log: again,
    waits: false,
    again: true,
  });
  return {
    merged: mergeParts(whole.parts, options.catalog, options.declared),
    skipped: first.skipped,
    log: again,
  };
}

/** The log of the first pass with the subset's records those of its rerun, spliced once both are written. */
function splicedLog(
  first: { log: OutcomeFiles; dir: string },
  rerun: { log: OutcomeFiles; dir: string },
  subset: ReadonlySet<string>,
): Simulated['log'] {
  let count = first.log.count;
  return {
    flush: async () => {
      await first.log.flush();
      await rerun.log.flush();
      count = await spliceOutcomeLog(
        { dir: first.dir, name: 'simulate', days: first.log.days(), count: first.log.count },
        { dir: rerun.dir, name: 'simulate', days: rerun.log.days() },
        subset,
      );
    },
    get count() {
      return count;
    },
  };
}

/** The customers the merge of `passes` couples with the subset, beyond it (core/simulate/subset.ts). */
async function coupledCustomers(passes: SubsetRun, subset: ReadonlySet<string>): Promise<Set<string>> {
  const more = coupledAskers(passes, subset);
  const stops = passes.together.pacedStops;
  const stopSet = new Set(stops);
  for (const part of passes.parallel) {
    // Without a paced stop on either side, no wait of this share can have moved.
    if (!part.waits || (stops.length === 0 && part.pacedStops.length === 0)) continue;
    const shareStops = new Set(part.pacedStops);
    for await (const line of createInterface({ input: createReadStream(part.waits, 'utf8') })) {
      const wait = waitOf(line);
      if (!wait || subset.has(wait.userId) || more.has(wait.userId)) continue;
      if (waitCoupled(wait, shareStops, stops, stopSet)) more.add(wait.userId);
    }
  }
  return more;
}

/** A line `from to userId` of a share's waits file (share.ts, WaitsFile). */
function waitOf(line: string): { from: number; to: number; userId: string } | undefined {
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  if (first < 0 || second < 0) return undefined;
  return {
    from: Number(line.slice(0, first)),
    to: Number(line.slice(first + 1, second)),
    userId: line.slice(second + 1),
  };
}
