import type { RunResult } from './result.ts';

const INDENT = '  ';

/** A value as JSON.stringify(value, null, 2) writes it at `depth` levels of nesting. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${INDENT.repeat(depth)}`);
}

/** An array of records as JSON.stringify(result, null, 2) writes it as a property of the result. */
async function* records<T>(records: AsyncIterable<T> | Iterable<T>): AsyncGenerator<string> {
  let first = true;
  for await (const record of records) {
    yield `${first ? '[\n' : ',\n'}${INDENT.repeat(2)}${nested(record, 2)}`;
    first = false;
  }
  yield first ? '[]' : `\n${INDENT}]`;
}

/** A result whose messages and enrollments come as streams, in the result's order. */
export type StreamedResult = Omit<RunResult, 'messages' | 'enrollments'> & {
  messages: AsyncIterable<RunResult['messages'][number]> | Iterable<RunResult['messages'][number]>;
  enrollments: AsyncIterable<RunResult['enrollments'][number]> | Iterable<RunResult['enrollments'][number]>;
};

/**
 * The text `JSON.stringify(result, null, 2)` and a newline make, in pieces, with the messages and enrollments
 * read as they are written: a result of a million events is never one string in memory (`cairn simulate --out`).
 */
export async function* runResultJson(result: StreamedResult): AsyncGenerator<string> {
  const property = (key: keyof RunResult) => `${INDENT}${JSON.stringify(key)}: `;
  yield `{\n${property('until')}${JSON.stringify(result.until)},\n`;
  yield `${property('eventsIn')}${JSON.stringify(result.eventsIn)},\n`;
  yield `${property('skipped')}${nested(result.skipped, 1)},\n`;
  yield `${property('policies')}${nested(result.policies, 1)},\n`;
  yield property('messages');
  yield* records(result.messages);
  yield `,\n${property('enrollments')}`;
  yield* records(result.enrollments);
  yield `,\n${property('deadLetters')}${nested(result.deadLetters, 1)},\n`;
  yield `${property('journeys')}${nested(result.journeys, 1)}\n}\n`;
}
