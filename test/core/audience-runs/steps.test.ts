import { describe, expect, it } from 'vitest';
import { runExecutionName } from '../../../functions/core/audience-runs/start.ts';
import {
  addTallies,
  enterMembers,
  HAND_OFF_CONCURRENCY,
  type RunContext,
} from '../../../functions/core/audience-runs/steps.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Timer } from '../../../functions/core/engine/state.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import {
  compileSchedule,
  runStartingAt,
  runsStartingIn,
  ScheduleTrigger,
} from '../../../functions/core/triggers/schedule.ts';

const DAY = 86_400_000;

/** Exits that record what they were handed and how many requests were in flight at most. */
function recordingExits() {
  let inFlight = 0;
  const seen = {
    events: [] as CustomerEvent[],
    timers: [] as Timer[],
    maxInFlight: 0,
    batches: [] as number[],
  };
  const track = async (record: () => void) => {
    inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    record();
    inFlight--;
  };
  return {
    seen,
    exits: {
      events: {
        publish: (events: readonly CustomerEvent[]) =>
          track(() => {
            seen.batches.push(events.length);
            seen.events.push(...events);
          }),
      },
      timers: {
        schedule: (timer: Timer) => track(() => seen.timers.push(timer)),
        cancel: async () => {},
        due: async () => [],
        done: async () => {},
      },
    },
  };
}

function context(trigger: unknown, startedAt: number): RunContext {
  return {
    journey: { id: 'flash', schedule: ScheduleTrigger.parse(trigger) },
    run: '2026-12-24T10:00',
    startedAt,
    segments: new JourneyCatalog([]).segments,
    lifecycle: undefined,
    defaultTimezone: 'UTC',
  };
}

describe('enterMembers: one page of a run', () => {
  it('hands each member on once, timers at most HAND_OFF_CONCURRENCY at a time, and counts what it did', async () => {
    // Prepare: 200 customers in Tokyo and London, 1 in 10 without a zone (skipped), before anyone's 10:00.
    const states = Array.from({ length: 200 }, (_, i) => {
      const state = newCustomerState(`c${i}`);
      const zone = i % 10 === 0 ? undefined : i % 2 ? 'Asia/Tokyo' : 'Europe/London';
      if (zone) state.profile = { ...state.profile, timezone: zone, timezoneSource: 'trait' };
      return state;
    });
    const { exits, seen } = recordingExits();

    // Act
    const tally = await enterMembers(
      states,
      context(
        { at: '2026-12-24T10:00', timezone: 'local', withoutTimezone: 'skip' },
        Date.parse('2026-12-23T20:00Z'),
      ),
      exits,
    );

    // Assess
    expect(tally).toEqual({ audience: 200, entries: 180, timers: 180, skipped: { 'no-timezone': 20 } });
    expect(new Set(seen.timers.map((t) => t.id)).size).toBe(180);
    expect(seen.timers.every((t) => t.id === `entry:flash:2026-12-24T10:00:${t.userId}`)).toBe(true);
    expect(seen.maxInFlight).toBe(HAND_OFF_CONCURRENCY);
  });

  it('puts entries due now on the ingest path in batches of 10', async () => {
    // Prepare
    const states = Array.from({ length: 25 }, (_, i) => newCustomerState(`c${i}`));
    const { exits, seen } = recordingExits();

    // Act
    const tally = await enterMembers(
      states,
      context({ at: '2026-12-24T10:00', timezone: 'UTC' }, Date.parse('2026-12-24T10:00Z')),
      exits,
    );

    // Assess
    expect(tally).toEqual({ audience: 25, entries: 25, timers: 0, skipped: {} });
    expect(seen.batches.sort()).toEqual([10, 10, 5].sort());
    expect(new Set(seen.events.map((e) => e.id)).size).toBe(25);
  });

  it('adds up the tallies of pages, skip reasons by name', () => {
    expect(
      addTallies([
        { audience: 3, entries: 2, timers: 1, skipped: { 'no-timezone': 1 } },
        { audience: 4, entries: 3, timers: 3, skipped: { 'no-timezone': 1, 'local-time-passed': 2 } },
      ]),
    ).toEqual({ audience: 7, entries: 5, timers: 4, skipped: { 'no-timezone': 2, 'local-time-passed': 2 } });
  });
});

describe('runStartingAt: the run a Scheduler time starts (AWS)', () => {
  it.each([
    [{ cron: '0 9 * * MON', timezone: 'local' }],
    [{ cron: '30 1 * * *', timezone: 'America/New_York' }],
    [{ rate: 'P3D', start: '2026-01-02T08:15', timezone: 'Europe/London' }],
    [{ at: '2026-12-24T10:00', timezone: 'Australia/Lord_Howe' }],
  ])('finds each run of a year at its start, as the local machines find it (%j)', (trigger) => {
    // Prepare
    const schedule = compileSchedule(ScheduleTrigger.parse(trigger));
    const from = Date.parse('2026-01-01T00:00Z');
    const runs = runsStartingIn(schedule, from, from + 365 * DAY);

    // Act
    const found = runs.map((run) => runStartingAt(schedule, run.at));

    // Assess
    expect(runs.length).toBeGreaterThan(0);
    expect(found).toEqual(runs);
  });

  it('takes both instants of a time the clocks go back over as the same run, and a time no run starts as none', () => {
    // Prepare: 01:30 happens twice in New York on 1 November 2026.
    const schedule = compileSchedule(
      ScheduleTrigger.parse({ cron: '30 1 * * *', timezone: 'America/New_York' }),
    );

    // Act
    const first = runStartingAt(schedule, Date.parse('2026-11-01T05:30:00Z'));
    const second = runStartingAt(schedule, Date.parse('2026-11-01T06:30:00Z'));
    const none = runStartingAt(schedule, Date.parse('2026-11-01T07:30:00Z'));

    // Assess
    expect(first?.run).toBe('2026-11-01T01:30');
    expect(second).toEqual(first);
    expect(none).toBeUndefined();
  });

  it("names the run's execution after the journey and the run, within Step Functions' 80 characters", () => {
    // Act
    const long = runExecutionName(`j${'-x'.repeat(60)}`, '2026-12-24T10:00');

    // Assess
    expect(runExecutionName('holiday-vip', '2026-12-24T10:00')).toBe('holiday-vip--2026-12-24T1000');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^j-x-x.*-[0-9a-f]{16}--2026-12-24T1000$/);
  });
});
