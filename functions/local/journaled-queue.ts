import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import type { Clock } from '../core/runtime/clock.ts';
import {
  InMemoryQueue,
  type InMemoryQueueOptions,
  type QueueMessage,
} from '../core/runtime/in-memory-queue.ts';
import { DataDirError } from './data-dir.ts';

/** What the local stack asks of a queue: the in-memory one, or the one below that also keeps a journal on disk. */
export type LocalQueue = Pick<
  InMemoryQueue<string>,
  'name' | 'send' | 'receive' | 'settle' | 'nextVisibleAt' | 'depth'
>;

/** One line of a queue's journal: a message put (`s`, with its body and when it is visible) or deleted (`d`). */
const JournalLine = z.union([
  z.object({ s: z.string(), b: z.string(), v: z.number() }),
  z.object({ d: z.string() }),
]);

/** Journal lines beyond this many times the live messages (and a floor) are compacted away. */
const COMPACT_FACTOR = 4;
const COMPACT_FLOOR = 10_000;

/**
 * A local queue that survives a crash (`npm start -- --serve --data DIR`): the in-memory queue, plus an
 * append-only journal file of every message put and deleted, written before `send` returns, so an event the
 * endpoint acknowledged is on disk (in the operating system's cache: a killed process loses nothing; a power
 * cut may). On start the journal is read back: the messages never deleted are put again, those that were
 * delayed with the delay they had left, and the journal is rewritten with only them. A message received and not
 * yet settled when the process stopped is visible again at once, with its receive count starting over.
 */
export class JournaledQueue implements LocalQueue {
  private readonly inner: InMemoryQueue<string>;
  private readonly live = new Map<string, { body: string; visibleAt: number }>();
  private lines = 0;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly file: string,
    options: InMemoryQueueOptions<string>,
  ) {
    this.inner = new InMemoryQueue(name, clock, {
      ...options,
      onDeadLetter: (message, queue) => {
        this.forget(message.messageId);
        options.onDeadLetter(message, queue);
      },
    });
    const now = clock.now();
    for (const { body, visibleAt } of existsSync(file) ? readJournal(file) : []) {
      const delaySeconds = Math.max(0, Math.ceil((visibleAt - now) / 1000));
      this.live.set(this.inner.send(body, delaySeconds), { body, visibleAt: now + delaySeconds * 1000 });
    }
    // The messages under their new ids, replacing the old journal in one rename.
    this.compact();
  }

  send(body: string, delaySeconds = 0): string {
    const messageId = this.inner.send(body, delaySeconds);
    const visibleAt = this.clock.now() + delaySeconds * 1000;
    this.live.set(messageId, { body, visibleAt });
    this.append({ s: messageId, b: body, v: visibleAt });
    return messageId;
  }

  receive(max: number): QueueMessage<string>[] {
    return this.inner.receive(max);
  }

  settle(received: readonly QueueMessage<string>[], failedIds: ReadonlySet<string>): void {
    this.inner.settle(received, failedIds);
    for (const { messageId } of received) if (!this.inner.has(messageId)) this.forget(messageId);
  }

  nextVisibleAt(): number | undefined {
    return this.inner.nextVisibleAt();
  }

  get depth(): number {
    return this.inner.depth;
  }

  private forget(messageId: string): void {
    if (!this.live.delete(messageId)) return;
    this.append({ d: messageId });
    if (this.lines > COMPACT_FLOOR + COMPACT_FACTOR * this.live.size) this.compact();
  }

  private append(line: z.infer<typeof JournalLine>): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    this.lines++;
  }

  /** Rewrites the journal with the live messages only, so that it does not grow with everything ever put. */
  private compact(): void {
    const text = [...this.live].map(([s, { body, visibleAt }]) =>
      JSON.stringify({ s, b: body, v: visibleAt }),
    );
    writeFileSync(`${this.file}.tmp`, text.length === 0 ? '' : `${text.join('\n')}\n`);
    // A rename replaces the journal whole: a crash leaves the old one or the new one, never half of each.
    renameSync(`${this.file}.tmp`, this.file);
    this.lines = text.length;
  }
}

/** The messages of a journal that were put and never deleted, in the order they were put. */
function readJournal(file: string): { body: string; visibleAt: number }[] {
  const live = new Map<string, { body: string; visibleAt: number }>();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, index) => {
    if (text === '') return;
    const parsed = JournalLine.safeParse(safeJson(text));
    if (!parsed.success) {
      // Only the last line can be cut short, by a crash in the middle of a write: that message was never
      // acknowledged. Anything else is a damaged file, and guessing would lose or repeat messages.
      if (index >= lines.length - 2) return;
      throw new DataDirError(
        `${file}:${index + 1}: not a queue journal line; move the file away to start empty`,
      );
    }
    const line = parsed.data;
    if ('d' in line) live.delete(line.d);
    else live.set(line.s, { body: line.b, visibleAt: line.v });
  });
  return [...live.values()];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
