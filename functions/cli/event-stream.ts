import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type CustomerEvent, type EventProblem, parseCustomerEvent } from '../core/events/index.ts';

export type StreamedLine =
  | { line: number; event: CustomerEvent }
  | { line: number; problems: EventProblem[] };

/**
 * Reads an NDJSON event file line by line, so a file of millions of events is never held in memory at once.
 * Blank lines are skipped; every other line yields an event or its problems.
 */
export async function* streamEvents(path: string): AsyncGenerator<StreamedLine> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const text of lines) {
    number++;
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
