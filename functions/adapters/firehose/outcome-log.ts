import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
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

export type FirehoseOutcomeLogOptions = {
  client: FirehoseClient;
  streamName: string;
  retry?: RetryOptions;
};

/**
 * The outcome log on AWS: records go to an Amazon Data Firehose stream (infra/lib/outcome-log.ts), which
 * writes them compressed to the outcome bucket by day. `append` only buffers; the handler flushes at the end
 * of each invocation. PutRecordBatch can accept a call and refuse some of its records (`FailedPutCount`):
 * only those are sent again, with a jittered backoff; when attempts run out, `flush` throws, so the
 * invocation fails and its batch is retried (the records' ids let the SQL count a record stored twice once).
 */
export class FirehoseOutcomeLog implements OutcomeLog {
  private lines: string[] = [];
  private readonly retry: RetryOptions;

  constructor(private readonly options: FirehoseOutcomeLogOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  append(records: readonly OutcomeRecord[]): void {
    for (const record of records) this.lines.push(`${outcomeLine(record)}\n`);
  }

  async flush(): Promise<void> {
    const packed = pack(this.lines);
    this.lines = [];
    for (const batch of batches(packed)) await this.put(batch);
  }

  private async put(records: readonly Uint8Array[]): Promise<void> {
    let pending = records;
    let errors: string[] = [];
    for (let attempt = 1; attempt <= this.retry.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.retry.sleep(backoffDelay(attempt - 2, this.retry));
      const output = await this.options.client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: this.options.streamName,
          Records: pending.map((Data) => ({ Data })),
        }),
      );
      if (!output.FailedPutCount) return;
      const responses = output.RequestResponses ?? [];
      errors = [];
      pending = pending.filter((_, i) => {
        const code = responses[i]?.ErrorCode;
        if (code) errors.push(`${code}: ${responses[i]?.ErrorMessage ?? ''}`.trim());
        return code !== undefined;
      });
    }
    if (pending.length > 0)
      throw new Error(
        `Firehose stream ${this.options.streamName} refused ${pending.length} record(s) after ${this.retry.maxAttempts} attempts: ${[...new Set(errors)].join('; ')}`,
      );
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
