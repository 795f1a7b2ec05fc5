import { join } from 'node:path';
import type { DynamoTimerStore } from '../adapters/dynamodb/timer-store.ts';
import { tableTimerStore } from '../composition/apply.ts';
import type { TableAccess } from '../composition/table.ts';
import { InMemoryQueue } from '../core/runtime/in-memory-queue.ts';
import type { LocalClock } from './clock.ts';
import { firstStart } from './data-dir.ts';
import { type LocalDynamo, startDynalite } from './dynalite.ts';
import { JournaledQueue } from './journaled-queue.ts';
import type { LocalMessage, LocalQueue } from './local-queue.ts';
import { ObservedTimerStore } from './observed-timers.ts';
import { keepLatest } from './sent-log.ts';
import { type SesLocal, startSesLocal } from './ses-local.ts';

/** A message the local queues gave up on after its last receive, like an SQS redrive to a DLQ. */
export type RedrivenMessage = { queue: string; message: LocalMessage };

/** The local stack's queues, one per function that takes SQS batches on AWS. */
export type LocalQueues = { ingest: LocalQueue; send: LocalQueue; feedback: LocalQueue; calls: LocalQueue };

/**
 * The queues, in memory or each in a journal file under `dataDir`; a message given up on goes to `redriven`
 * (the latest `keep` of them when set).
 */
export function localQueues(
  clock: LocalClock,
  dataDir: string | undefined,
  keep: number | undefined,
  redriven: RedrivenMessage[],
): LocalQueues {
  const onDeadLetter = (message: LocalMessage, queue: string) => {
    redriven.push({ queue, message });
    keepLatest(redriven, keep);
  };
  const queue = (name: string): LocalQueue =>
    dataDir === undefined
      ? new InMemoryQueue(name, clock, { onDeadLetter })
      : new JournaledQueue(name, clock, join(dataDir, `${name}-queue.jsonl`), { onDeadLetter });
  return { ingest: queue('ingest'), send: queue('send'), feedback: queue('feedback'), calls: queue('calls') };
}

/** The table (dynalite) and the local SES, started at once. */
export async function startServices(
  dataDir: string | undefined,
  sesPort: number | undefined,
  keep: number | undefined,
): Promise<{ dynamo: LocalDynamo; ses: SesLocal; tableName: string }> {
  const [dynamo, ses] = await Promise.all([
    startDynalite(0, dataDir === undefined ? undefined : join(dataDir, 'table')),
    startSesLocal(sesPort, keep),
  ]);
  const tableName = await dynamo.createTable('cairn-local');
  return { dynamo, ses, tableName };
}

/** The table's timer store, and (a replay's) the same store remembering when each timer is due. */
export type LocalTimers = { tableTimers: DynamoTimerStore; timers: ObservedTimerStore | undefined };

export async function localTimers(
  table: TableAccess,
  now: () => number,
  dataDir: string | undefined,
  serving: boolean | undefined,
): Promise<LocalTimers> {
  const tableTimers = tableTimerStore(table, {
    clock: now,
    // Handlers run one at a time here, so no timer write can be in flight during a sweep.
    writeMarginMs: 0,
    // Shards spread a busy hour's writes over partitions on AWS; here they would only multiply the queries
    // of a replay that sweeps weeks of virtual time in seconds.
    shards: 1,
    // A table kept on disk may hold timers scheduled before a crash and due since: the first sweep of all starts
    // where the folder was first used, not at this start.
    firstSweepFrom: await firstStart(dataDir, now()),
  });
  // A replay jumps from one due timer to the next, so it remembers when each is due; a serving stack sweeps
  // every minute and keeps none of them in memory.
  const timers = serving ? undefined : new ObservedTimerStore(tableTimers);
  return { tableTimers, timers };
}
