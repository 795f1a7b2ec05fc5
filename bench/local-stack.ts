// The runtime's own handlers on the local stack: what one event costs in DynamoDB requests, and how fast
// dynalite lets the handlers go on this machine. Imported by bench/run.ts.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { generateEvents } from '../functions/core/generate/index.ts';
import { VirtualClock } from '../functions/core/runtime/clock.ts';
import { runUntil } from '../functions/core/runtime/drive.ts';
import { replayEntries } from '../functions/local/replay.ts';
import { startLocalStack } from '../functions/local/stack.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function localStackIngest(): Promise<void> {
  const events = [...generateEvents({ users: 300, days: 14, seed: 42, start: '2026-11-01' })];
  const entries = events.map((event, index) => {
    const at = Date.parse(event.time);
    const entry: PutEventsRequestEntry = {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Time: new Date(at),
    };
    return { line: index + 1, id: event.id, at, entry };
  });
  const first = entries[0]?.at ?? Date.now();
  const clock = new VirtualClock(first);
  const stack = await startLocalStack({ journeysDir: 'journeys', clock });
  try {
    stack.dynamo.counter.take();
    const started = performance.now();
    await replayEntries(stack, clock, entries);
    await runUntil(stack, clock, (entries.at(-1)?.at ?? first) + 7 * 86_400_000);
    const seconds = (performance.now() - started) / 1000;
    const requests = stack.dynamo.counter.take();
    const n = events.length;
    const sent = stack.tally.total('SendOutcomes', { status: 'SENT' });
    console.log(
      `local stack: ${fmt(n)} events (300 users, 14 days) through PutEvents, ingest, deliver and timers on dynalite: ${fmt(seconds, 1)} s, ${fmt(n / seconds)} events/s`,
    );
    console.log(
      `local stack: ${fmt(stack.tally.total('Enrollments'))} enrollments, ${fmt(sent)} messages sent, ${fmt(stack.tally.total('TimersFired'))} timers fired`,
    );
    const ops = Object.entries(requests.byOperation)
      .map(([op, count]) => `${op} ${fmt(count)}`)
      .join(', ');
    console.log(
      `local stack: DynamoDB requests per event ${fmt(requests.reads / n, 2)} reads + ${fmt(requests.writes / n, 2)} writes, ${fmt(requests.capacityUnits / n, 2)} capacity units (${ops})`,
    );
  } finally {
    await stack.stop();
  }
}
