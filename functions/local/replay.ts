import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type EventLine, readEventLine } from '../core/events/event-line.ts';
import { replayArrival } from '../core/events/limits.ts';
import type { VirtualClock } from '../core/runtime/clock.ts';
import { runUntil } from '../core/runtime/drive.ts';
import { deadLetterRecord, type RunResult, runResult } from '../core/simulate/result.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynalite.ts';
import { REPLAY_ID_HEADER } from './endpoint.ts';
import type { LocalStack } from './stack.ts';

export type ReplayEntry = { line: number; id: string; entry: PutEventsRequestEntry; at: number | undefined };
export type SkippedLine = { line: number; reason: string };

/**
 * The lines of an NDJSON event file as PutEvents entries, in the file's order (the order they arrive, as the
 * simulator takes them), read as the simulator reads them (core/events/event-line.ts). A line that is not an
 * event at all is skipped with its reason; one that breaks only the customer-event contract is put, and ingest
 * dead-letters it, as it would on AWS.
 */
export function entriesFromNdjson(text: string): { entries: ReplayEntry[]; skipped: SkippedLine[] } {
  const entries: ReplayEntry[] = [];
  const skipped: SkippedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line: EventLine | undefined = readEventLine(raw, index + 1);
    if (line?.kind === 'skipped') skipped.push({ line: line.line, reason: line.reason });
    if (line?.kind !== 'event') return;
    const { value, at } = line;
    entries.push({
      line: line.line,
      id: line.id,
      at,
      entry: {
        Source: String(value.source),
        DetailType: String(value['detail-type']),
        Detail: JSON.stringify(value.detail),
        ...(at !== undefined ? { Time: new Date(at) } : {}),
        ...(Array.isArray(value.resources) ? { Resources: value.resources.map(String) } : {}),
      },
    });
  });
  return { entries, skipped };
}

/** An EventBridge client pointed at the local stack, exactly as an app would make it. */
export function localEventBridge(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export type ReplayProgress = { put: number; of: number; at: number };
export type ReplayResult = {
  put: number;
  refused: { line: number; reason: string }[];
  /** The file line of each event id put, for reports (dead letters name the line). */
  lines: Map<string, number>;
};

/**
 * Puts each entry through PutEvents with the real EventBridge client at its own time on the virtual clock,
 * running everything due before it first (core/runtime/drive.ts, as the simulator does). An entry earlier than
 * the clock arrives late, and is put at once. Each entry carries the file's event id (REPLAY_ID_HEADER).
 */
export async function replayEntries(
  stack: LocalStack,
  clock: VirtualClock,
  entries: readonly ReplayEntry[],
  onProgress: (progress: ReplayProgress) => void = () => {},
  beforeEach: (at: number | undefined) => Promise<void> = async () => {},
  wallClock: () => number = Date.now,
): Promise<ReplayResult> {
  const client = localEventBridge(stack.endpoint);
  let current: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (current !== undefined && hasHeaders(args.request)) args.request.headers[REPLAY_ID_HEADER] = current;
      return next(args);
    },
    { step: 'build', name: 'cairnReplayEventId' },
  );
  const refused: ReplayResult['refused'] = [];
  const lines = new Map<string, number>();
  let put = 0;
  try {
    for (const { line, id, entry, at } of entries) {
      await beforeEach(at);
      if (at !== undefined) await runUntil(stack, clock, replayArrival(at, clock.now(), wallClock()));
      current = id;
      const result = await putOne(client, entry);
      if ('reason' in result) refused.push({ line, reason: result.reason });
      else if (result.ErrorCode)
        refused.push({ line, reason: `${result.ErrorCode}: ${result.ErrorMessage ?? ''}` });
      else {
        put++;
        lines.set(result.EventId ?? id, line);
      }
      await stack.drain();
      onProgress({ put: put + refused.length, of: entries.length, at: clock.now() });
    }
  } finally {
    client.destroy();
  }
  return { put, refused, lines };
}

/** One entry put; a request the endpoint refuses whole (too large, malformed) is this entry's refusal. */
async function putOne(
  client: EventBridgeClient,
  entry: PutEventsRequestEntry,
): Promise<
  | { ErrorCode?: string | undefined; ErrorMessage?: string | undefined; EventId?: string | undefined }
  | { reason: string }
> {
  try {
    const response = await client.send(new PutEventsCommand({ Entries: [entry] }));
    return response.Entries?.[0] ?? { reason: 'PutEvents answered without an entry' };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { reason: `${name}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function hasHeaders(request: unknown): request is { headers: Record<string, string> } {
  return (
    typeof request === 'object' &&
    request !== null &&
    'headers' in request &&
    typeof request.headers === 'object' &&
    request.headers !== null
  );
}

export type EventFileRun = {
  entries: readonly ReplayEntry[];
  skipped: readonly SkippedLine[];
  /** How long the clock runs on after the latest event, so that waits and lifecycle stages come due. */
  daysAfter: number;
  policies: RunResult['policies'];
  onProgress?: (progress: ReplayProgress) => void;
  /** Awaited before each entry is put, with its time: what an operator does between events (tests). */
  beforeEach?: (at: number | undefined) => Promise<void>;
  /** The real clock, for an event dated beyond it (core/events/limits.ts, replayArrival); Date.now by default. */
  wallClock?: () => number;
};

/**
 * An event file through the local stack, as `npm start` runs it: each entry put at its time in the order of
 * the file, the clock run on, and the result in the shape `cairn simulate --out` writes (core/simulate/run.ts
 * does the same for the simulator). The stack's clock must start at the first event's time.
 */
export async function runEventFile(
  stack: LocalStack,
  clock: VirtualClock,
  run: EventFileRun,
): Promise<{ result: RunResult; replayed: ReplayResult }> {
  const replayed = await replayEntries(
    stack,
    clock,
    run.entries,
    run.onProgress,
    run.beforeEach,
    run.wallClock,
  );
  // The latest arrival (where the clock is now), not the latest time written: an event refused as too far
  // ahead arrived earlier (core/events/limits.ts, replayArrival).
  const until = clock.now() + run.daysAfter * 86_400_000;
  await runUntil(stack, clock, until);
  stack.results.finalize();
  const result = runResult({
    until,
    eventsIn: replayed.put,
    skipped: [...run.skipped],
    policies: run.policies,
    tally: stack.results,
    deadLetters: stack.deadLetters.map((letter) => deadLetterRecord(letter, replayed.lines)),
  });
  return { result, replayed };
}

/** Where the clock of a replay of these entries starts: the first event's time, as the simulator's does. */
export function replayStart(entries: readonly ReplayEntry[]): number {
  return entries.find((e) => e.at !== undefined)?.at ?? Date.now();
}
