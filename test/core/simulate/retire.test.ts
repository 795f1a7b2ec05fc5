import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { partOf } from '../../../functions/core/simulate/part.ts';
import { SimulationPartition } from '../../../functions/core/simulate/partition.ts';
import type { EnrollmentRecord, MessageRecord } from '../../../functions/core/simulate/records.ts';
import { resultsOfFacts } from '../../../functions/core/simulate/results.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

const DAY = 86_400_000;

/** Runs generated events through one share, noting the most records its tally ever kept at once. */
async function simulate(retire: boolean) {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  const retired = { messages: [] as MessageRecord[], enrollments: [] as EnrollmentRecord[] };
  const partition = new SimulationPartition({
    config,
    keepSent: false,
    ...(retire
      ? {
          retire: {
            message: (record: MessageRecord) => retired.messages.push(record),
            enrollment: (record: EnrollmentRecord) => retired.enrollments.push(record),
          },
        }
      : {}),
  });
  const { tally } = partition.simulation;
  let peakKept = 0;
  for (const event of generateEvents({ users: 60, days: 30, seed: 5, start: '2026-09-01' })) {
    const at = Date.parse(event.time);
    await partition.line(at, undefined, { value: event, id: event.id, line: 0 });
    peakKept = Math.max(peakKept, tally.messages.size + tally.enrollments.size);
  }
  const until = partition.until(undefined, 30);
  await partition.simulation.runTo(until);
  peakKept = Math.max(peakKept, tally.messages.size + tally.enrollments.size);
  await partition.simulation.finish(until);
  return { partition, until, peakKept, retired, tally };
}

describe('a share of cairn simulate', () => {
  it('keeps the records under way, not every message and enrollment ever made, and hands on each once', async () => {
    // Prepare, Act
    const kept = await simulate(false);
    const streamed = await simulate(true);

    // Assess: the same records in the end, each handed on once, while far fewer were held at any time.
    const total = kept.tally.messages.size + kept.tally.enrollments.size;
    expect(kept.peakKept).toBe(total);
    expect(streamed.peakKept).toBeLessThan(total / 3);
    expect(streamed.retired.messages).toHaveLength(kept.tally.messages.size);
    expect(streamed.retired.enrollments).toHaveLength(kept.tally.enrollments.size);
    expect(new Set(streamed.retired.messages.map((m) => m.messageId)).size).toBe(kept.tally.messages.size);
    const byId = <T>(records: Iterable<T>, id: (record: T) => string) =>
      [...records].sort((a, b) => id(a).localeCompare(id(b)));
    expect(byId(streamed.retired.messages, (m) => m.messageId)).toEqual(
      byId(kept.tally.messages.values(), (m) => m.messageId),
    );
    expect(byId(streamed.retired.enrollments, (e) => e.enrollmentId)).toEqual(
      byId(kept.tally.enrollments.values(), (e) => e.enrollmentId),
    );
    const none = { messages: { files: [], count: 0, sent: 0 }, enrollments: { files: [], count: 0 } };
    const keptPart = partOf(kept.partition, kept.until, [], none, null);
    const streamedPart = partOf(streamed.partition, streamed.until, [], none, null);
    expect(streamedPart.journeys).toEqual(keptPart.journeys);
    expect(resultsOfFacts(streamed.tally.declared, [streamedPart.facts])).toEqual(
      resultsOfFacts(kept.tally.declared, [keptPart.facts]),
    );
    expect(kept.until).toBeGreaterThan(Date.parse('2026-09-01') + 30 * DAY);
  }, 240_000);
});
