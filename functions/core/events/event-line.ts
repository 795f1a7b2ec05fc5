import * as z from 'zod';
import { MAX_ENTRY_BYTES, putEntryBytes } from './limits.ts';

/** What a line of an event file must have to be put on a bus at all; the customer-event contract is ingest's. */
const Envelope = z.looseObject({
  id: z.unknown().optional(),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.unknown()),
});

/** EventBridge keeps an event's time to the second (and stamps the arrival time when there is none). */
export function busTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * One line of an event file, as both the simulator and the local stack's replay read it. A line is an event
 * as EventBridge delivers it; a line the bus would refuse (PutEvents checks source, detail-type, a JSON-object
 * detail and the time) is skipped, in both:
 *
 * - `event`: a JSON object that can be put on a bus (source, detail-type, detail), with its id (the file's, or
 *   `line-<n>` when it has none, as the bus would give it one) and its time when it has a valid one. Whether it
 *   keeps the customer-event contract is for ingest to decide: one that does not is dead-lettered there.
 * - `skipped`: not JSON, not an event at all, or larger than the bus takes (256 KB as a PutEvents entry),
 *   with the reason.
 */
export type EventLine =
  | { kind: 'event'; line: number; id: string; at: number | undefined; value: Record<string, unknown> }
  | { kind: 'skipped'; line: number; reason: string };

/** Reads line `line` of an event file; undefined for a blank line. Never throws. */
export function readEventLine(text: string, line: number): EventLine | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', line, reason: `not valid JSON (${reason})` };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success)
    return {
      kind: 'skipped',
      line,
      reason:
        'not an event: it needs "source", "detail-type" and a "detail" object, and "resources" are strings (docs/events.md)',
    };
  const value = envelope.data;
  const bytes = putEntryBytes({
    source: value.source,
    detailType: value['detail-type'],
    detail: JSON.stringify(value.detail),
    resources: value.resources,
    hasTime: value.time !== undefined,
  });
  if (bytes > MAX_ENTRY_BYTES)
    return {
      kind: 'skipped',
      line,
      reason: `the event is ${bytes} bytes as a PutEvents entry, over EventBridge's limit of ${MAX_ENTRY_BYTES}`,
    };
  const id = typeof value.id === 'string' && value.id !== '' ? value.id : `line-${line}`;
  if (value.time === undefined) return { kind: 'event', line, id, at: undefined, value: { ...value, id } };
  const at = Date.parse(value.time);
  if (!Number.isFinite(at))
    return { kind: 'skipped', line, reason: `"time" is not an ISO-8601 time: ${JSON.stringify(value.time)}` };
  // As the bus delivers it, so that the simulator and the local stack see the same event.
  return { kind: 'event', line, id, at, value: { ...value, id, time: busTime(at) } };
}
