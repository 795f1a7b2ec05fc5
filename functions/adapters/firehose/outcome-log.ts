import {
  type FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import { type OutcomeRecord, outcomeLine } from '../../core/outcomes/record.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import { backoffDelay, DEFAULT_RETRY, type RetryOptions } from '../channels/retry.ts';

/**
 * Firehose bills ingestion in 5 KB steps per record: outcome records (about 400 bytes each) are packed as
 * newline-ended JSON lines into Firehose records of at most this size, so a million of them bill as ~80,000
 * records, not a million (docs/outcomes.md, "Cost").
 */
export const PACKED_RECORD_BYTES = 5_000;
/** PutRecordBatch takes at most 500 records and 4 MiB per call. */
export const FIREHOSE_BATCH_RECORDS = 500;
export const FIREHOSE_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * How many bytes of refused records a log keeps for its next flush (see `flush`): about 40,000 records, which
 * a Lambda instance holds easily; beyond it the oldest are dropped, and the error says how many.
 */
export const RETAINED_BYTES = 16 * 1024 * 1024;

export type FirehoseOutcomeLogOptions = {
  client: FirehoseClient;
  streamName: string;
  retry?: RetryOptions;
  retainedBytes?: number;
};

/**
 * The outcome log on AWS: records go to an Amazon Data Firehose stream (infra/lib/outcome-log.ts), which
 * writes them compressed to the outcome bucket by day. `append` only buffers; the handler flushes at the end
 * of each invocation. PutRecordBatch can accept a call and refuse some of its records (`FailedPutCount`):
 * only those are sent again, with a jittered backoff. When attempts run out, `flush` keeps what was not
 * stored (up to `retainedBytes`), sends it first at the next flush, and throws. A retried input cannot make
 * its records again (a re-delivered input has none: docs/outcomes.md), so keeping them is what saves them.
 */
export class FirehoseOutcomeLog implements OutcomeLog {
  private lines: string[] = [];
  /** Packed records a flush could not store, sent first by the next one. */
  private retained: Uint8Array[] = [];
  private readonly retry: RetryOptions;

  constructor(private readonly options: FirehoseOutcomeLogOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  append(records: readonly OutcomeRecord[]): void {
    for (const record of records) this.lines.push(`${outcomeLine(record)}\n`);
  }

  async flush(): Promise<void> {
    const packed = [...this.retained, ...pack(this.lines)];
    this.lines = [];
    this.retained = [];
    const all = batches(packed);
    for (const [index, batch] of all.entries()) {
      const refused = await this.put(batch);
      if (refused.pending.length === 0) continue;
      const dropped = this.retain([...refused.pending, ...all.slice(index + 1).flat()]);
      throw new Error(
        `Firehose stream ${this.options.streamName} refused ${refused.pending.length} record(s) after ${this.retry.maxAttempts} attempts: ${refused.errors.join('; ')}; ${this.retained.length} record(s) kept for the next flush${dropped > 0 ? `, ${dropped} dropped` : ''}`,
      );
    }
  }

  /** Keeps the newest records that fit in `retainedBytes`; returns how many older ones were dropped. */
  private retain(records: readonly Uint8Array[]): number {
    const limit = this.options.retainedBytes ?? RETAINED_BYTES;
    let bytes = 0;
    let first = records.length;
    while (first > 0) {
      const size = records[first - 1]?.byteLength ?? 0;
      if (bytes + size > limit) break;
      bytes += size;
      first--;
    }
    this.retained = records.slice(first);
    return first;
  }

  /** One PutRecordBatch, retrying the records Firehose refused; what it still refused after the last attempt. */
  private async put(
    records: readonly Uint8Array[],
  ): Promise<{ pending: readonly Uint8Array[]; errors: string[] }> {
    let pending = records;
    let errors: string[] = [];
    for (let attempt = 1; attempt <= this.retry.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.retry.sleep(backoffDelay(attempt - 2, this.retry));
      const output = await this.send(pending);
      // A refused request (throttled past the SDK's own retries, the stream missing, no permission): all again.
      if (output instanceof Error) {
        errors = [`${output.name}: ${output.message}`];
        continue;
      }
      if (!output.FailedPutCount) return { pending: [], errors: [] };
      const responses = output.RequestResponses ?? [];
      errors = [];
      pending = pending.filter((_, i) => {
        const code = responses[i]?.ErrorCode;
        if (code) errors.push(`${code}: ${responses[i]?.ErrorMessage ?? ''}`.trim());
        return code !== undefined;
      });
    }
    return { pending, errors: [...new Set(errors)] };
  }

  private async send(records: readonly Uint8Array[]): Promise<PutRecordBatchCommandOutput | Error> {
    try {
      return await this.options.client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: this.options.streamName,
          Records: records.map((Data) => ({ Data })),
        }),
      );
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

const encoder = new TextEncoder();

/** Lines packed in order into records of at most PACKED_RECORD_BYTES; a longer line is a record alone. */
export function pack(lines: readonly string[]): Uint8Array[] {
  const records: Uint8Array[] = [];
  let current = '';
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > PACKED_RECORD_BYTES) {
      records.push(encoder.encode(current));
      current = '';
      size = 0;
    }
    current += line;
    size += bytes;
  }
  if (size > 0) records.push(encoder.encode(current));
  return records;
}

function batches(records: readonly Uint8Array[]): Uint8Array[][] {
  const result: Uint8Array[][] = [];
  let batch: Uint8Array[] = [];
  let bytes = 0;
  for (const record of records) {
    if (
      batch.length === FIREHOSE_BATCH_RECORDS ||
      (batch.length > 0 && bytes + record.byteLength > FIREHOSE_BATCH_BYTES)
    ) {
      result.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += record.byteLength;
  }
  if (batch.length > 0) result.push(batch);
  return result;
}
