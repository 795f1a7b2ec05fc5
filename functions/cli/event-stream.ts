import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type EventLine, readEventLine } from '../core/events/event-line.ts';
import {
  type CustomerEvent,
  type EventProblem,
  formatEventProblem,
  parseCustomerEvent,
} from '../core/events/index.ts';
import type { CliIo } from './io.ts';

export type StreamedLine =
  | { line: number; event: CustomerEvent }
  | { line: number; problems: EventProblem[] };

/**
 * Reads an NDJSON event file line by line, so a file of millions of events is never held in memory at once.
 * Blank lines are skipped; every other line yields an event or its problems.
 */
export async function* streamEvents(path: string): AsyncGenerator<StreamedLine> {
  for await (const [number, text] of numberedLines(path)) {
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      yield {
        line: number,
        problems: [{ eventId: undefined, path: '', message: `not valid JSON (${reason})` }],
      };
      continue;
    }
    const parsed = parseCustomerEvent(json);
    yield parsed.ok ? { line: number, event: parsed.event } : { line: number, problems: parsed.problems };
  }
}

/**
 * Reads an event file line by line as the simulator puts it (core/events/event-line.ts): every event that can
 * be put, whether or not it keeps the contract, and the lines that cannot, with why.
 */
export async function* streamEventLines(path: string): AsyncGenerator<EventLine> {
  for await (const [number, text] of numberedLines(path)) {
    const line = readEventLine(text, number);
    if (line) yield line;
  }
}

/** As streamEventLines, with each line's text, which `cairn simulate --workers` hands to a worker as it is. */
export async function* streamEventLinesWithText(
  path: string,
): AsyncGenerator<{ line: EventLine; text: string }> {
  for await (const [number, text] of numberedLines(path)) {
    const line = readEventLine(text, number);
    if (line) yield { line, text };
  }
}

/** The lines of a file with their numbers from 1, read as they come, never the whole file at once. */
async function* numberedLines(path: string): AsyncGenerator<[number, string]> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const text of lines) yield [++number, text];
}

const MAX_REPORTED_PROBLEMS = 20;

export type ReadSummary = { events: number; rejected: number };

/**
 * Feeds every valid event of an NDJSON file to `onEvent`, reporting rejected lines (the first 20 with their
 * problems) and progress on stderr. Throws when the file cannot be read.
 */
export async function forEachEvent(
  path: string,
  io: CliIo,
  onEvent: (event: CustomerEvent) => void | Promise<void>,
  progressEvery = 250_000,
): Promise<ReadSummary> {
  let events = 0;
  let rejected = 0;
  for await (const line of streamEvents(path)) {
    if ('problems' in line) {
      rejected++;
      if (rejected <= MAX_REPORTED_PROBLEMS)
        for (const p of line.problems) io.stderr(`${path}:${line.line}: ${formatEventProblem(p)}`);
      continue;
    }
    await onEvent(line.event);
    events++;
    if (events % progressEvery === 0) io.stderr(`... ${events.toLocaleString('en-US')} events read`);
  }
  if (rejected > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${rejected - MAX_REPORTED_PROBLEMS} more rejected event(s)`);
  return { events, rejected };
}
