import { closeSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TextRecords } from '../../core/ports/text-records.ts';

/** Bytes appended in memory before they are written to the file in one call. */
const WRITE_BUFFER_BYTES = 256 * 1024;
/**
 * Where a record is, packed into one number (a Map of numbers holds no object per key): offset × 2^21 + byte
 * length, exact below 2^53, so a record up to 2 MiB at an offset up to 4 GiB. A customer state is far smaller
 * (DynamoDB's own item limit is 400 KB), and the file is compacted once its garbage passes its live data.
 */
const LENGTH_BITS = 2 ** 21;
const MAX_OFFSET = 2 ** 32;
/** Garbage below this is never worth a compaction. */
const MIN_GARBAGE_BYTES = 4 * 1024 * 1024;

export type SpillFileOptions = {
  /** The folder the file is written in (a temporary folder its owner removes), and the file's name there. */
  dir: string;
  name: string;
  writeBufferBytes?: number;
  minGarbageBytes?: number;
};

/**
 * Text records kept in a file, not in the heap: each `set` appends the text to the file and keeps only its
 * place in memory (an index of key to offset and length), each `get` reads it back with one `readSync`. What
 * was replaced or deleted is garbage in the file; once it passes the live data, the live records are copied to
 * a new file (compaction), so the file stays within about twice what it holds. The file's pages are the
 * operating system's cache, not the process's memory: a share of `cairn simulate` keeps its customers' states
 * and claims here (docs/benchmarks.md, "A 1,000,000-event simulation"). Synchronous, one owner per file.
 */
export class SpillFile implements TextRecords {
  private readonly index = new Map<string, number>();
  private readonly path: string;
  private fd: number;
  /** Bytes already written to the file; what follows is in `pending`. */
  private written = 0;
  private pending: Buffer;
  private pendingBytes = 0;
  private scratch = Buffer.alloc(64 * 1024);
  private liveBytes = 0;
  private garbageBytes = 0;
  /** How many times the file was rewritten without its garbage. */
  compactions = 0;

  constructor(private readonly options: SpillFileOptions) {
    this.path = join(options.dir, options.name);
    this.fd = openSync(this.path, 'w+');
    this.pending = Buffer.alloc(options.writeBufferBytes ?? WRITE_BUFFER_BYTES);
  }

  get size(): number {
    return this.index.size;
  }

  /** Bytes of text this file holds in memory: the unwritten end of the file, at most its write buffer. */
  get bytesInMemory(): number {
    return this.pendingBytes;
  }

  /** Bytes of the file, live records and garbage, written or not. */
  get fileBytes(): number {
    return this.written + this.pendingBytes;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): string | undefined {
    const place = this.index.get(key);
    return place === undefined ? undefined : this.read(place);
  }

  set(key: string, text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes >= LENGTH_BITS)
      throw new Error(`a record of ${bytes} bytes (key ${key}) is over the spill file's limit of 2 MiB`);
    const previous = this.index.get(key);
    if (previous !== undefined) this.forget(previous);
    this.index.set(key, this.append(text, bytes));
    this.liveBytes += bytes;
    this.compactIfWorth();
  }

  delete(key: string): boolean {
    const place = this.index.get(key);
    if (place === undefined) return false;
    this.index.delete(key);
    this.forget(place);
    this.compactIfWorth();
    return true;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [key, place] of this.index) yield [key, this.read(place)];
  }

  /** Closes and removes the file; the records are gone. */
  close(): void {
    closeSync(this.fd);
    unlinkSync(this.path);
    this.index.clear();
  }

  private forget(place: number): void {
    const bytes = place % LENGTH_BITS;
    this.liveBytes -= bytes;
    this.garbageBytes += bytes;
  }

  /** Appends the text at the file's end and returns its place. */
  private append(text: string, bytes: number): number {
    if (this.pendingBytes + bytes > this.pending.length) this.flush();
    const offset = this.written + this.pendingBytes;
    if (offset + bytes > MAX_OFFSET)
      throw new Error(`the spill file ${this.path} would pass 4 GiB of live records`);
    if (bytes > this.pending.length) {
      // Larger than the whole buffer: written at once.
      writeSync(this.fd, text, this.written, 'utf8');
      this.written += bytes;
    } else {
      this.pending.write(text, this.pendingBytes, 'utf8');
      this.pendingBytes += bytes;
    }
    return offset * LENGTH_BITS + bytes;
  }

  private flush(): void {
    let done = 0;
    while (done < this.pendingBytes)
      done += writeSync(this.fd, this.pending, done, this.pendingBytes - done, this.written + done);
    this.written += this.pendingBytes;
    this.pendingBytes = 0;
  }

  private read(place: number): string {
    const bytes = place % LENGTH_BITS;
    const offset = (place - bytes) / LENGTH_BITS;
    if (offset >= this.written) {
      const start = offset - this.written;
      return this.pending.toString('utf8', start, start + bytes);
    }
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    let done = 0;
    while (done < bytes) {
      const read = readSync(this.fd, this.scratch, done, bytes - done, offset + done);
      if (read === 0) throw new Error(`the spill file ${this.path} ended before the record at ${offset}`);
      done += read;
    }
    return this.scratch.toString('utf8', 0, bytes);
  }

  /** Copies the live records to a new file once the garbage passes them, in the index's order. */
  private compactIfWorth(): void {
    const floor = this.options.minGarbageBytes ?? MIN_GARBAGE_BYTES;
    if (this.garbageBytes < floor || this.garbageBytes <= this.liveBytes) return;
    const next = new SpillFile({ ...this.options, name: `${this.options.name}.compacting` });
    for (const [key, place] of this.index) next.set(key, this.read(place));
    next.flush();
    closeSync(this.fd);
    renameSync(next.path, this.path);
    this.fd = next.fd;
    this.written = next.written;
    this.pending = next.pending;
    this.pendingBytes = 0;
    for (const [key, place] of next.index) this.index.set(key, place);
    this.liveBytes = next.liveBytes;
    this.garbageBytes = 0;
    this.compactions++;
  }
}
