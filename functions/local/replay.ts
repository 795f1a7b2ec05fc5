import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import type { VirtualClock } from './clock.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynalite.ts';
import type { LocalStack } from './stack.ts';

const MINUTE = 60_000;

/** What a line of an event file must have to be put at all; the customer-event contract is ingest's to check. */
const Envelope = z.looseObject({
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});

export type ReplayEntry = { line: number; entry: PutEventsRequestEntry; at: number | undefined };
export type SkippedLine = { line: number; reason: string };

/**
 * The lines of an NDJSON event file as PutEvents entries, in time order. A line that is not an event at all
 * (not JSON, no source) cannot be put and is skipped with its reason; a line that breaks only the
 * customer-event contract is put, and ingest dead-letters it, as it would on AWS.
 */
export function entriesFromNdjson(text: string): { entries: ReplayEntry[]; skipped: SkippedLine[] } {
  const entries: ReplayEntry[] = [];
  const skipped: SkippedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      skipped.push({ line, reason: 'not valid JSON' });
      return;
    }
    const event = Envelope.safeParse(json);
    if (!event.success) {
      skipped.push({ line, reason: 'not an event: it needs "source", "detail-type" and "detail"' });
      return;
    }
    const { source, time, resources, detail } = event.data;
    const at = time === undefined ? undefined : Date.parse(time);
    entries.push({
      line,
      at: Number.isFinite(at) ? at : undefined,
      entry: {
        Source: source,
        DetailType: event.data['detail-type'],
        Detail: JSON.stringify(detail ?? {}),
        ...(at !== undefined && Number.isFinite(at) ? { Time: new Date(at) } : {}),
        ...(resources ? { Resources: resources } : {}),
      },
    });
  });
  // Stable: events of one instant keep their order in the file.
  entries.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  return { entries, skipped };
}

/** An EventBridge client pointed at the local stack, exactly as an app would make it. */
export function localEventBridge(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/**
 * Moves virtual time to `target`, stopping at every due thing on the way (timers at the minute the
 * per-minute schedule would fire them, delayed and retried queue messages when they become visible) and
 * running the handlers there, so that 30 days pass in seconds with every wait firing at its time.
 */
export async function runUntil(stack: LocalStack, clock: VirtualClock, target: number): Promise<void> {
  await stack.drain();
  let lastSweep = Number.NEGATIVE_INFINITY;
  for (;;) {
    const next = stack.nextWakeAt();
    if (next === undefined || next > target) break;
    // A timer that failed stays pending; it is tried at the next minute, not in a loop at the same instant.
    const wake = Math.max(Math.ceil(next / MINUTE) * MINUTE, lastSweep + MINUTE, clock.now());
    if (wake > target) break;
    clock.advanceTo(wake);
    lastSweep = wake;
    await stack.sweepTimers();
  }
  clock.advanceTo(target);
  await stack.drain();
}

export type ReplayProgress = { put: number; of: number; at: number };
export type ReplayResult = { put: number; refused: { line: number; reason: string }[] };

/**
 * Puts each entry through PutEvents with the real EventBridge client at its own time on the virtual clock,
 * running everything due before it first.
 */
export async function replayEntries(
  stack: LocalStack,
  clock: VirtualClock,
  entries: readonly ReplayEntry[],
  onProgress: (progress: ReplayProgress) => void = () => {},
): Promise<ReplayResult> {
  const client = localEventBridge(stack.endpoint);
  const refused: ReplayResult['refused'] = [];
  let put = 0;
  try {
    for (const { line, entry, at } of entries) {
      if (at !== undefined) await runUntil(stack, clock, at);
      const response = await client.send(new PutEventsCommand({ Entries: [entry] }));
      const result = response.Entries?.[0];
      if (result?.ErrorCode)
        refused.push({ line, reason: `${result.ErrorCode}: ${result.ErrorMessage ?? ''}` });
      else put++;
      await stack.drain();
      onProgress({ put: put + refused.length, of: entries.length, at: clock.now() });
    }
  } finally {
    client.destroy();
  }
  return { put, refused };
}
