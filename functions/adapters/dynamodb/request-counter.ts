import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** ConsumedCapacity is one object for single-item operations and a list (per table) for batches. */
const Capacity = z.object({ CapacityUnits: z.number().optional() });
const WithCapacity = z.object({ ConsumedCapacity: z.union([Capacity, z.array(Capacity)]).optional() });

export type RequestCounts = {
  /** Requests sent, by operation (`GetItem`, `PutItem`, ...), retries and failed requests included. */
  byOperation: Record<string, number>;
  /** Failed requests by error name, e.g. `ConditionalCheckFailedException`. */
  errors: Record<string, number>;
  reads: number;
  writes: number;
  /** Capacity units reported by DynamoDB, for requests that asked for them and succeeded. */
  capacityUnits: number;
  /** Of those, the units of reads and of writes, billed at different prices (bench/cost.ts). */
  readUnits: number;
  writeUnits: number;
};

/**
 * Counts the DynamoDB requests a client sends, through an SDK middleware: tests use it to hold the runtime to
 * its request budget per event, and metrics can report it. It sits after the SDK's retry logic, so a retried
 * request counts once per attempt, as DynamoDB bills it.
 */
export class RequestCounter {
  private static attached = 0;
  private counts: RequestCounts = emptyCounts();

  /** Starts counting the requests of a client (a document client shares its client's middleware). */
  attach(client: DynamoDBClient | DynamoDBDocumentClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        this.counts.byOperation[operation] = (this.counts.byOperation[operation] ?? 0) + 1;
        if (READS.has(operation)) this.counts.reads++;
        if (WRITES.has(operation)) this.counts.writes++;
        try {
          const result = await next(args);
          const parsed = WithCapacity.safeParse(result.output);
          const consumed = parsed.success ? parsed.data.ConsumedCapacity : undefined;
          for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
            const units = c.CapacityUnits ?? 0;
            this.counts.capacityUnits += units;
            if (READS.has(operation)) this.counts.readUnits += units;
            if (WRITES.has(operation)) this.counts.writeUnits += units;
          }
          return result;
        } catch (error: unknown) {
          const name = error instanceof Error ? error.name : 'Unknown';
          this.counts.errors[name] = (this.counts.errors[name] ?? 0) + 1;
          throw error;
        }
      },
      // In the deserialize step, inside the retry loop of the finalizeRequest step; high priority wraps the
      // deserializer, so the parsed output (with ConsumedCapacity) and the service's error are both seen.
      // A name per counter, so that several counters can watch one client.
      { step: 'deserialize', priority: 'high', name: `cairnRequestCounter${++RequestCounter.attached}` },
    );
    return this;
  }

  /** The counts so far, as a copy. */
  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  /** The counts so far, and starts again from zero. */
  take(): RequestCounts {
    const counts = this.counts;
    this.counts = emptyCounts();
    return counts;
  }
}

function emptyCounts(): RequestCounts {
  return { byOperation: {}, errors: {}, reads: 0, writes: 0, capacityUnits: 0, readUnits: 0, writeUnits: 0 };
}
