import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SortedRuns } from '../../adapters/files/sorted-runs.ts';
import { SpillFile } from '../../adapters/files/spill-file.ts';
import type { CallStub } from '../../core/calls/stubs.ts';
import { observeAll, outcomeObserver } from '../../core/outcomes/observer.ts';
import type { Observer } from '../../core/ports/observer.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import { partOf, type SimulationPart } from '../../core/simulate/part.ts';
import { type LineBatch, SimulationPartition } from '../../core/simulate/partition.ts';
import type { QueueWait } from '../../core/simulate/queue-waits.ts';
import type { EnrollmentRecord, MessageRecord } from '../../core/simulate/records.ts';
import { formatTimelineEntry } from '../../core/simulate/report.ts';
import { compareEnrollments, compareMessages } from '../../core/simulate/result.ts';

/** One share of `cairn simulate`'s customers, in this thread or a worker's (simulate/partition.ts). */
export type Share = {
  take(batch: LineBatch): Promise<void>;
  finish(until: number | undefined, daysAfter: number): Promise<SimulationPart>;
};

export type ShareOptions = {
  config: RuntimeConfig;
  calls?: readonly CallStub[] | undefined;
  /** `--user`: the timeline of this customer is kept. */
  user?: string | undefined;
  /** `--log`: where the share's outcome records go. */
  log?: OutcomeLog | undefined;
  /** The folder the share's records are written to as sorted runs, and its number among the shares. */
  dir: string;
  index: number;
  /** Whether the share writes its queue waits to a file (SimulationPart.waits), for the subset's checks. */
  waits?: boolean;
  /**
   * Whether the share writes its records (true by default); without, it only counts them: a subset's shadow
   * (subset-rerun.ts), whose records no result reads.
   */
  records?: boolean;
  /** How much state text the share's store holds as objects (SimulationOptions.hotStateChars). */
  hotStateChars?: number;
};

/** Where a share's records go: sorted runs on disk (SortedRuns), or only counted. */
type RecordRuns<T> = { add(record: T): void; close(): string[]; readonly count: number };

const countedOnly = <T>(): RecordRuns<T> => {
  const runs = {
    count: 0,
    add: (_record: T) => {
      runs.count++;
    },
    close: (): string[] => [],
  };
  return runs;
};

/** A share run in the thread that calls it: what a worker thread runs, and `--workers 1` in the command's own. */
export function openShare(options: ShareOptions): Share {
  const timeline: string[] = [];
  const { user, log } = options;
  const watch: Observer | undefined = user
    ? { observe: (observation) => timeline.push(...formatTimelineEntry(observation, user)) }
    : undefined;
  const observer = user || log ? observeAll(watch, log && outcomeObserver(log)) : undefined;
  const runs = (kind: string) => ({ dir: options.dir, prefix: `share-${options.index}-${kind}` });
  const written = options.records ?? true;
  const messages: RecordRuns<MessageRecord> = written
    ? new SortedRuns<MessageRecord>({ ...runs('messages'), compare: compareMessages })
    : countedOnly();
  const enrollments: RecordRuns<EnrollmentRecord> = written
    ? new SortedRuns<EnrollmentRecord>({ ...runs('enrollments'), compare: compareEnrollments })
    : countedOnly();
  let sent = 0;
  // The states, claims and pending timers on disk, not in the heap: they are what grows with the customers.
  const spill = (kind: string) => new SpillFile({ dir: options.dir, name: `share-${options.index}-${kind}` });
  const texts = { states: spill('states'), claims: spill('claims'), timers: spill('timers') };
  const waits = options.waits
    ? new WaitsFile(join(options.dir, `share-${options.index}-waits.txt`))
    : undefined;
  const partition = new SimulationPartition({
    texts,
    ...(waits ? { onWait: (wait: QueueWait) => waits.add(wait) } : {}),
    config: options.config,
    ...(options.hotStateChars === undefined ? {} : { hotStateChars: options.hotStateChars }),
    ...(observer ? { observer } : {}),
    ...(options.calls ? { calls: options.calls } : {}),
    // Nothing reads what the channels were handed: keeping every rendered message would grow with them.
    keepSent: false,
    // Each record is written once final, not kept: memory holds what is under way, not every message ever made.
    retire: {
      message: (record) => {
        if (record.status === 'SENT') sent++;
        messages.add(record);
      },
      enrollment: (record) => enrollments.add(record),
    },
  });
  return {
    take: (batch) => partition.take(batch),
    finish: async (requested, daysAfter) => {
      const until = partition.until(requested, daysAfter);
      await partition.simulation.finish(until);
      const part = partOf(
        partition,
        until,
        timeline,
        {
          messages: { files: messages.close(), count: messages.count, sent },
          enrollments: { files: enrollments.close(), count: enrollments.count },
        },
        waits?.close() ?? null,
      );
      for (const file of Object.values(texts)) file.close();
      return part;
    },
  };
}

/** Characters of wait lines kept before they are appended to the file. */
const WAITS_BUFFER = 1 << 16;

/** A share's queue waits as lines `from to userId` in a file (read back by subset-rerun.ts, readWaits). */
class WaitsFile {
  private buffer = '';

  constructor(private readonly path: string) {
    writeFileSync(path, '');
  }

  add(wait: QueueWait): void {
    this.buffer += `${wait.from} ${wait.to} ${wait.userId}\n`;
    if (this.buffer.length >= WAITS_BUFFER) this.write();
  }

  close(): string {
    this.write();
    return this.path;
  }

  private write(): void {
    if (this.buffer.length > 0) appendFileSync(this.path, this.buffer);
    this.buffer = '';
  }
}
