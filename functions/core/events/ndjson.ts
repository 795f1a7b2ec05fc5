/**
 * NDJSON event files, as the CLI reads them: one EventBridge event per line, blank lines ignored.
 * Every non-blank line gives one result; nothing is thrown and nothing is dropped.
 */
import { type CustomerEvent, type EventProblem, parseCustomerEvent } from './customer-event.ts';

export type NdjsonLine = { line: number; event: CustomerEvent } | { line: number; problems: EventProblem[] };

export function parseNdjsonEvents(text: string): NdjsonLine[] {
  const results: NdjsonLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `line ${line} is not valid JSON (${reason}); expected one JSON event object per line`;
      results.push({ line, problems: [{ eventId: undefined, path: '', message }] });
      return;
    }
    const parsed = parseCustomerEvent(value);
    results.push(parsed.ok ? { line, event: parsed.event } : { line, problems: parsed.problems });
  });
  return results;
}
