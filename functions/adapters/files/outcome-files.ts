import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OutcomeRecord, outcomeDay, outcomeLine } from '../../core/outcomes/record.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';

/** Records kept in memory before they are written out; a write is one append per day touched. */
const DEFAULT_BUFFER = 5_000;

export type OutcomeFilesOptions = {
  /** The folder: records go to `<dir>/dt=YYYY-MM-DD/<name>.ndjson`, the layout of the S3 bucket on AWS. */
  dir: string;
  /** The file name in each day's folder (`simulate`, `local`): a run replaces its own files, not others'. */
  name: string;
  bufferRecords?: number;
};

/**
 * The outcome log as NDJSON files under a folder, partitioned by the record's UTC day as the S3 bucket is
 * (`dt=...`), so DuckDB reads the folder with the same SQL Athena runs on the bucket (core/outcomes/queries.ts).
 * Buffered: `append` only queues; writes run one after another, off the caller's path, and `flush` waits for
 * them and throws the first write error, if any.
 */
export class OutcomeFiles implements OutcomeLog {
  private buffer: OutcomeRecord[] = [];
  private written: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly started = new Set<string>();
  private readonly limit: number;
  /** How many records were stored so far. */
  count = 0;

  constructor(private readonly options: OutcomeFilesOptions) {
    this.limit = options.bufferRecords ?? DEFAULT_BUFFER;
  }

  append(records: readonly OutcomeRecord[]): void {
    this.buffer.push(...records);
    if (this.buffer.length >= this.limit) this.writeBuffer();
  }

  /** The days this run wrote, as `YYYY-MM-DD`: their files are this run's. */
  days(): string[] {
    return [...this.started];
  }

  async flush(): Promise<void> {
    this.writeBuffer();
    await this.written;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw new Error(
        `cannot write the outcome log under ${this.options.dir}: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    }
  }

  private writeBuffer(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.written = this.written
      .then(() => this.write(batch))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
  }

  private async write(batch: readonly OutcomeRecord[]): Promise<void> {
    const days = new Map<string, string[]>();
    for (const record of batch) {
      const day = outcomeDay(record);
      const lines = days.get(day) ?? [];
      lines.push(outcomeLine(record));
      days.set(day, lines);
    }
    for (const [day, lines] of days) {
      const folder = join(this.options.dir, `dt=${day}`);
      const file = join(folder, `${this.options.name}.ndjson`);
      const text = `${lines.join('\n')}\n`;
      // The first write of a day in this run replaces the run's file from an earlier run.
      if (this.started.has(day)) await appendFile(file, text);
      else {
        await mkdir(folder, { recursive: true });
        await writeFile(file, text);
        this.started.add(day);
      }
      this.count += lines.length;
    }
  }
}
