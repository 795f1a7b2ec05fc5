import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AudienceRunPorts } from '../../functions/core/runtime/audience-runs.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { entriesFromNdjson, replayStart, runEventFile } from '../../functions/local/replay.ts';
import { startLocalStack } from '../../functions/local/stack.ts';

// Acceptance (issue 17): a run retried after a crash mid-way enrolls nobody twice and misses nobody, on the
// local stack. The fault is injected into the run's own hand-off: once the run has handed on part of its
// members, the next hand-off throws, as a worker that dies would; the stack tries the run again at the next
// minute, and the whole run is done again.

const ZONES = ['Asia/Tokyo', 'Europe/London', 'America/New_York'];
const CUSTOMERS = Array.from({ length: 45 }, (_, i) => ({ userId: `c${i}`, zone: ZONES[i % 3] ?? 'UTC' }));

async function journeysWith(trigger: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'cairn-run-retry-')), 'journeys');
  await cp('journeys', dir, { recursive: true });
  const journey = [
    'id: flash-sale',
    'name: Flash sale',
    'status: active',
    'category: transactional',
    `trigger: { schedule: ${trigger} }`,
    'steps:',
    '  - { id: offer, type: send, channel: email, template: welcome }',
    '',
  ];
  await writeFile(join(dir, 'flash-sale.yaml'), journey.join('\n'));
  return dir;
}

/** A hand-off that works `allowed` times, then throws once, then works again. */
function crashing<A extends unknown[]>(call: (...args: A) => Promise<void>, allowed: number) {
  let calls = 0;
  return async (...args: A) => {
    calls++;
    if (calls === allowed + 1) throw new Error('worker crashed mid-way');
    await call(...args);
  };
}

const faults: Record<string, (ports: AudienceRunPorts) => AudienceRunPorts> = {
  'entries on the ingest path': (ports) => ({
    ...ports,
    events: { publish: crashing((events) => ports.events.publish(events), 2) },
  }),
  'timers at local time': (ports) => ({
    ...ports,
    timers: { ...ports.timers, schedule: crashing((timer) => ports.timers.schedule(timer), 20) },
  }),
};

describe.each([
  ['entries on the ingest path', '{ at: "2026-11-03T10:00", timezone: UTC }'],
  ['timers at local time', '{ at: "2026-11-03T10:00", timezone: local }'],
])('a run retried after a crash (%s)', (fault, trigger) => {
  it('enrolls every member once', async () => {
    // Prepare
    const journeysDir = await journeysWith(trigger);
    const events = CUSTOMERS.map((c, i) =>
      JSON.stringify({
        version: '0',
        id: `e${i}`,
        source: 'com.example.shop',
        'detail-type': 'Identify',
        time: new Date(Date.parse('2026-11-02T08:00:00Z') + i * 1000).toISOString(),
        detail: { userId: c.userId, traits: { email: `${c.userId}@example.com`, timezone: c.zone } },
      }),
    ).join('\n');
    const { entries, skipped } = entriesFromNdjson(events);
    const clock = new VirtualClock(replayStart(entries));
    const wrap = faults[fault];
    const stack = await startLocalStack({ journeysDir, clock, ...(wrap ? { wrapRunPorts: wrap } : {}) });

    // Act
    try {
      const { result } = await runEventFile(stack, clock, { entries, skipped, daysAfter: 2, policies: null });
      const runs = await stack.runs.list('flash-sale');

      // Assess
      const offers = result.messages.filter((m) => m.journeyId === 'flash-sale');
      expect(
        offers
          .filter((m) => m.status === 'SENT')
          .map((m) => m.userId)
          .sort(),
      ).toEqual(CUSTOMERS.map((c) => c.userId).sort());
      expect(offers).toHaveLength(CUSTOMERS.length);
      expect(stack.runErrors.map((e) => e.error)).toEqual(['worker crashed mid-way']);
      expect(runs).toEqual([
        expect.objectContaining({ run: '2026-11-03T10:00', attempts: 2, audience: 45, entries: 45 }),
      ]);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
