import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Timer } from '../../core/engine/state.ts';
import type { TimerStore } from '../../core/ports/timer-store.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_TIMER_SHARDS = 8;
/** Longer than any timer write can be in flight (see `writeMarginMs`). */
export const DEFAULT_WRITE_MARGIN_MS = 15_000;
/** How long a timer item outlives its firing time before TTL deletes it (free), in case the sweeper is down. */
export const DEFAULT_RETENTION_MS = 7 * DAY_MS;
/** Failed timers kept in the progress item; past that, the position stops moving (about 250 bytes each). */
export const DEFAULT_MAX_HOLES = 200;
/** Where the very first sweep of a table starts, before `upTo`, when no progress is stored yet. */
export const DEFAULT_FIRST_SWEEP_LOOKBACK_MS = 60 * MINUTE_MS;

export type DynamoTimerStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Partitions per hour bucket. Fixed for the life of a table: timers are looked for in these shards only. */
  shards?: number;
  /** The writer's clock, for timers scheduled already due (default Date.now). */
  clock?: () => number;
  /**
   * A timer is never stored to fire sooner than this after the writer's clock. The sweeper's position only moves
   * forward, so a write still in flight when the sweeper passed its key would never fire; with the margin, a
   * write would have to take longer than this to be missed.
   */
  writeMarginMs?: number;
  retentionMs?: number;
  maxHoles?: number;
  /** Where the first sweep starts when no progress is stored (default: an hour before its `upTo`). */
  firstSweepFrom?: number;
};

/** Attribute names, short because DynamoDB bills every name in every item. */
const A = { timer: 't', position: 'p', holes: 'h', version: 'v' } as const;

const PROGRESS_KEY = { [PARTITION_KEY]: 'TIMERS', [SORT_KEY]: 'PROGRESS' } as const;

const TimerItem = z.lazy(() =>
  z.object({ [PARTITION_KEY]: z.string(), [SORT_KEY]: z.string(), [A.timer]: Timer }),
);

const Entry = z.lazy(() => z.object({ pk: z.string(), sk: z.string(), timer: Timer }));
type Entry = z.infer<typeof Entry>;

const ProgressItem = z.lazy(() =>
  z.object({
    [A.position]: z.string(),
    [A.holes]: z.string(),
    [A.version]: z.number().int().positive(),
  }),
);

type Progress = { position: string; holes: Entry[]; version: number | undefined };

type Sweep = {
  progress: Progress;
  /** Every timer `due` returned since the last checkpoint, by identity. */
  returned: Map<string, Entry>;
  done: Set<string>;
  /** Every timer with a sort key up to here was returned (or is a hole). */
  coveredTo: string;
};

const identity = (timer: Pick<Timer, 'id' | 'userId'>) => JSON.stringify([timer.userId, timer.id]);

/** Fixed width, so that sort keys order by time as text. */
const pad = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/** The sort key of a timer firing at `fireAt`; encoded ids contain no `#`, so the key is unambiguous. */
export function timerSortKey(fireAt: number, timer: Pick<Timer, 'id' | 'userId'>): string {
  return `${pad(fireAt)}#${encodeURIComponent(timer.userId)}#${encodeURIComponent(timer.id)}`;
}

/** Sorts after every timer key firing at or before `ms` and before every later one (`$` follows `#`). */
const boundaryAfter = (ms: number) => `${pad(ms)}$`;
/** Sorts before every timer key firing at `ms` or later. */
const boundaryBefore = (ms: number) => `${pad(ms)}#`;
const timeOfKey = (sk: string) => Number(sk.slice(0, 15));

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/**
 * An hour bucket's partition: `DUE#2026-11-02T10#3`. The sort key carries the time to the millisecond, so a
 * sweep reads only what fell due since the last one whatever the bucket's width; an hour keeps a sweeper that
 * catches up after a pause at one query per shard per hour missed, where minute buckets would need 60.
 */
export function bucketKey(hour: number, shard: number): string {
  return `DUE#${new Date(hour * HOUR_MS).toISOString().slice(0, 13)}#${shard}`;
}

/** FNV-1a: spreads the timers of one hour over its shards, the same way on every writer. */
function shardOf(timer: Pick<Timer, 'id' | 'userId'>, shards: number): number {
  let hash = 0x811c9dc5;
  for (const char of identity(timer)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

const compareKeys = (a: Entry, b: Entry) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0);

/**
 * Timers in the one table, in hour buckets: pk `DUE#<hour>#<shard>`, sk `<fire time>#<user>#<id>`.
 * Scheduling is one PutItem. Sweeping queries the buckets from the stored position up to now (never a scan)
 * and keeps its progress in one item (pk `TIMERS`, sk `PROGRESS`): a position (every timer whose key sorts
 * at or before it has fired) and the holes (timers before it whose firing failed). Fired timers are not
 * deleted one by one: TTL removes them later, at no cost. That keeps a timer at one write where a delete per
 * timer would double it (docs/data-model.md, "Timers").
 *
 * One sweep at a time per instance: `due` opens a sweep that `checkpoint` (or the next `due`) closes. Writers
 * (schedule, cancel) may share the instance freely.
 */
export class DynamoTimerStore implements TimerStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly shards: number;
  private readonly clock: () => number;
  private readonly writeMarginMs: number;
  private readonly retentionMs: number;
  private readonly maxHoles: number;
  private readonly firstSweepFrom: number | undefined;
  private sweep: Sweep | undefined;

  constructor(options: DynamoTimerStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.shards = options.shards ?? DEFAULT_TIMER_SHARDS;
    this.clock = options.clock ?? Date.now;
    this.writeMarginMs = options.writeMarginMs ?? DEFAULT_WRITE_MARGIN_MS;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxHoles = options.maxHoles ?? DEFAULT_MAX_HOLES;
    this.firstSweepFrom = options.firstSweepFrom;
  }

  /** Where a timer is stored: at its due time, or a margin after the writer's clock if that is later. */
  private entryOf(timer: Pick<Timer, 'id' | 'userId'>, fireAt: number): Omit<Entry, 'timer'> {
    return {
      pk: bucketKey(hourOf(fireAt), shardOf(timer, this.shards)),
      sk: timerSortKey(fireAt, timer),
    };
  }

  async schedule(timer: Timer): Promise<void> {
    // A plain put: scheduling the same timer again writes the same item (idempotent), at the same cost as a
    // conditional put that would fail.
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: this.item(timer), ReturnConsumedCapacity: 'TOTAL' }),
    );
  }

  /** The item that schedules a timer, as written. Public for size measurements. */
  item(timer: Timer): Record<string, string | number | Timer> {
    const fireAt = Math.max(timer.dueAt, this.clock() + this.writeMarginMs);
    const { pk, sk } = this.entryOf(timer, fireAt);
    return {
      [PARTITION_KEY]: pk,
      [SORT_KEY]: sk,
      [A.timer]: Timer.parse(timer),
      [TTL_ATTRIBUTE]: Math.ceil((fireAt + this.retentionMs) / 1000),
    };
  }

  /**
   * Deletes the timer stored at its due time. One stored later (it was already due when scheduled) or kept
   * as a hole is not found and fires as the harmless no-op the engine makes of a resolved wait.
   */
  async cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    const { pk, sk } = this.entryOf(timer, timer.dueAt);
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: pk, [SORT_KEY]: sk },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async due(upTo: number, limit: number): Promise<Timer[]> {
    if (this.sweep) await this.checkpoint();
    const progress = await this.loadProgress(upTo);
    const sweep: Sweep = { progress, returned: new Map(), done: new Set(), coveredTo: progress.position };
    this.sweep = sweep;
    const wanted = Math.max(0, limit);
    // Holes sort before the position, so they come first.
    const holes = progress.holes.filter((h) => h.timer.dueAt <= upTo).slice(0, wanted);
    const fresh = await this.query(progress.position, upTo, wanted - holes.length);
    for (const entry of [...holes, ...fresh.entries]) sweep.returned.set(identity(entry.timer), entry);
    sweep.coveredTo = fresh.coveredTo;
    return [...holes, ...fresh.entries].map((e) => e.timer);
  }

  async done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    const key = identity(timer);
    if (this.sweep?.returned.has(key)) {
      this.sweep.done.add(key);
      return;
    }
    // Not from this store's sweep: nothing in memory covers it, so delete it where it was due.
    await this.cancel(timer);
  }

  async checkpoint(): Promise<void> {
    const sweep = this.sweep;
    this.sweep = undefined;
    if (!sweep) return;
    const { progress, returned, done } = sweep;
    const pending = (e: Entry) => !done.has(identity(e.timer));
    const oldHoles = progress.holes.filter(pending);
    const newHoles = [...returned.values()].filter((e) => e.sk > progress.position && pending(e));
    newHoles.sort(compareKeys);
    let position = sweep.coveredTo;
    const room = Math.max(0, this.maxHoles - oldHoles.length);
    const overflow = newHoles[room];
    if (overflow) {
      // Too many failures to remember: stop just before the first one that does not fit, so that it and
      // everything after it are read again by the next sweep.
      const before = [...returned.values()].filter((e) => e.sk > progress.position && e.sk < overflow.sk);
      position = before.reduce((max, e) => (e.sk > max ? e.sk : max), progress.position);
    }
    const holes = [...oldHoles, ...newHoles.slice(0, room)];
    if (position === progress.position && holes.length === progress.holes.length) return;
    const version = (progress.version ?? 0) + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...PROGRESS_KEY,
            [A.position]: position,
            [A.holes]: JSON.stringify(holes),
            [A.version]: version,
          },
          ...(progress.version === undefined
            ? { ConditionExpression: `attribute_not_exists(${PARTITION_KEY})` }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': A.version },
                ExpressionAttributeValues: { ':v': progress.version },
              }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    } catch (error: unknown) {
      // Another sweeper moved the position meanwhile. Its progress stands; whatever this sweep fired that the
      // other did not record fires again later, which is harmless.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  private async loadProgress(upTo: number): Promise<Progress> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: PROGRESS_KEY,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    if (!output.Item) {
      const from = this.firstSweepFrom ?? upTo - DEFAULT_FIRST_SWEEP_LOOKBACK_MS;
      return { position: boundaryBefore(from), holes: [], version: undefined };
    }
    const item = ProgressItem.parse(output.Item);
    const holes = z.array(Entry).parse(JSON.parse(item[A.holes]));
    return { position: item[A.position], holes, version: item[A.version] };
  }

  /**
   * Up to `limit` timers with keys after `position` firing at or before `upTo`, in key order, and how far
   * that read is complete. Hours are read in order, the shards of one hour together, each shard at most
   * `limit` items: any timer sorting before the last one returned is then among those read.
   */
  private async query(
    position: string,
    upTo: number,
    limit: number,
  ): Promise<{ entries: Entry[]; coveredTo: string }> {
    if (limit <= 0) return { entries: [], coveredTo: position };
    const high = boundaryAfter(upTo);
    if (position >= high) return { entries: [], coveredTo: position };
    const found: Entry[] = [];
    for (let hour = hourOf(timeOfKey(position)); hour <= hourOf(upTo); hour++) {
      const shards = Array.from({ length: this.shards }, (_, shard) =>
        this.queryBucket(bucketKey(hour, shard), position, high, limit),
      );
      for (const entries of await Promise.all(shards)) found.push(...entries);
      if (found.length >= limit) break;
    }
    found.sort(compareKeys);
    const entries = found.slice(0, limit);
    const last = entries.at(-1);
    const complete = found.length < limit;
    return { entries, coveredTo: complete || !last ? high : last.sk };
  }

  private async queryBucket(pk: string, position: string, high: string, limit: number): Promise<Entry[]> {
    const entries: Entry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':pk': pk, ':low': position, ':high': high },
          // Strongly consistent: an eventually consistent read could miss a timer just written, and the
          // position would then pass it for good.
          ConsistentRead: true,
          // One more than needed, since the item at the position itself (already fired) may be among them.
          Limit: limit - entries.length + 1,
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const raw of output.Items ?? []) {
        const item = TimerItem.parse(raw);
        if (item[SORT_KEY] > position)
          entries.push({ pk: item[PARTITION_KEY], sk: item[SORT_KEY], timer: item[A.timer] });
      }
      start = output.LastEvaluatedKey;
    } while (start && entries.length < limit);
    return entries.slice(0, limit);
  }
}
