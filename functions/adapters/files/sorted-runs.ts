import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type * as z from 'zod';
import { MinHeap } from '../../core/collections/min-heap.ts';

/** Records held before they are sorted and written as one run: what bounds a writer's memory. */
const DEFAULT_RUN_RECORDS = 20_000;

/**
 * Records written to files in sorted runs, for a result larger than memory should hold (an external merge
 * sort): records come in any order, each run of `runRecords` is sorted and written as NDJSON, and `mergeRuns`
 * reads any number of runs back as one sorted stream.
 */
export class SortedRuns<T> {
  private buffer: T[] = [];
  private readonly files: string[] = [];
  /** How many records were added. */
  count = 0;

  constructor(
    private readonly options: {
      dir: string;
      /** Names this writer's files in `dir`, which other writers share. */
      prefix: string;
      compare: (a: T, b: T) => number;
      runRecords?: number;
    },
  ) {}

  add(record: T): void {
    this.buffer.push(record);
    this.count++;
    if (this.buffer.length >= (this.options.runRecords ?? DEFAULT_RUN_RECORDS)) this.writeRun();
  }

  /** Writes what is held and returns every run's file. */
  close(): string[] {
    this.writeRun();
    return [...this.files];
  }

  private writeRun(): void {
    if (this.buffer.length === 0) return;
    const records = this.buffer.sort(this.options.compare);
    this.buffer = [];
    const file = join(this.options.dir, `${this.options.prefix}-${this.files.length}.ndjson`);
    writeFileSync(file, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
    this.files.push(file);
  }
}

/** The records of sorted runs as one sorted stream, each checked with `schema`; one line of each run held. */
export async function* mergeRuns<T>(
  files: readonly string[],
  schema: z.ZodType<T>,
  compare: (a: T, b: T) => number,
  /** Whether a record of a file is read at all (a subset's rerun leaves some customers' records out). */
  keep: (record: T, file: string) => boolean = () => true,
): AsyncGenerator<T> {
  type Head = { record: T; rest: AsyncIterator<string>; file: string };
  const heap = new MinHeap<Head>((a, b) => compare(a.record, b.record) < 0);
  const next = async (rest: AsyncIterator<string>, file: string) => {
    for (let line = await rest.next(); !line.done; line = await rest.next()) {
      const parsed = schema.safeParse(JSON.parse(line.value));
      if (!parsed.success)
        throw new Error(`${file}: a record that does not fit its schema: ${parsed.error.message}`);
      if (keep(parsed.data, file)) {
        heap.push({ record: parsed.data, rest, file });
        return;
      }
    }
  };
  for (const file of files)
    await next(createInterface({ input: createReadStream(file, 'utf8') })[Symbol.asyncIterator](), file);
  for (let head = heap.pop(); head; head = heap.pop()) {
    yield head.record;
    await next(head.rest, head.file);
  }
}
