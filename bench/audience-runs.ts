// npm run bench -- runs: the local-time fan-out of a scheduled run (functions/core/audience-runs/plan.ts) for
// 1,000,000 members on one core: each member's entry input (a timer at their own 10:00, or the entry event),
// as the run's worker makes them once the audience is resolved.

import { type AudienceMember, audienceRunPlanner } from '../functions/core/audience-runs/plan.ts';
import { enterMembers, type RunContext } from '../functions/core/audience-runs/steps.ts';
import { type CustomerState, newCustomerState } from '../functions/core/engine/state.ts';
import { ScheduleTrigger } from '../functions/core/triggers/schedule.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Zones of a worldwide audience, 38 of them, with half- and quarter-hour offsets; one member in 20 has none. */
const ZONES = [
  'Pacific/Kiritimati',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Australia/Sydney',
  'Australia/Adelaide',
  'Asia/Tokyo',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Tehran',
  'Europe/Moscow',
  'Europe/Istanbul',
  'Africa/Cairo',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/London',
  'Atlantic/Azores',
  'America/Sao_Paulo',
  'America/St_Johns',
  'America/Halifax',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'Pacific/Pago_Pago',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Yangon',
  'Asia/Jakarta',
  'Australia/Darwin',
  'America/Mexico_City',
];

export async function audienceRunFanOut(members = Number(process.env.CAIRN_BENCH_RUN_MEMBERS ?? 1_000_000)) {
  const schedule = ScheduleTrigger.parse({ at: '2026-12-24T10:00', timezone: 'local' });
  const audience: AudienceMember[] = Array.from({ length: members }, (_, i) =>
    i % 20 === 0 ? { userId: `usr_${i}` } : { userId: `usr_${i}`, zone: ZONES[i % ZONES.length] ?? 'UTC' },
  );
  // The run starts when UTC+14 reaches 10:00 on the 24th: 20:00 UTC on the 23rd.
  const now = Date.parse('2026-12-23T20:00:00Z');
  const rates: number[] = [];
  let timers = 0;
  let events = 0;
  for (let round = 0; round < 4; round++) {
    const entryOf = audienceRunPlanner({ id: 'holiday-vip', schedule }, '2026-12-24T10:00', now, 'UTC');
    timers = 0;
    events = 0;
    const started = performance.now();
    for (const member of audience) {
      const entry = entryOf(member);
      if (entry.kind === 'later') timers++;
      else if (entry.kind === 'now') events++;
    }
    const seconds = (performance.now() - started) / 1000;
    if (round > 0) rates.push(members / seconds);
  }
  rates.sort((a, b) => a - b);
  console.log(
    `local-time fan-out: ${fmt(members)} members in ${ZONES.length} zones (1 in 20 without one) -> ${fmt(timers)} timers, ${fmt(events)} entry events`,
  );
  console.log(
    `local-time fan-out: median of 3 runs after a warm-up: ${fmt(rates[1] ?? 0)} entry inputs/s on one core (runs: ${rates.map((r) => fmt(r)).join(', ')})`,
  );
}

/**
 * `npm run bench -- runs`, second part: what one worker of a run's Distributed Map does with one Segment of the
 * Scan once its states are read (`enterMembers`, functions/core/audience-runs/steps.ts): 100,000 customer states
 * (a Segment's worth), each evaluated for the audience and given its entry input, handed to exits that only
 * count (no network: the SQS and DynamoDB requests are not in this figure). Twice: an audience of everyone (each
 * state planned and handed on), and the segment `vip` of the sample journeys (each state evaluated; these bare
 * states are no VIPs).
 */
export async function audienceRunSegment(states = Number(process.env.CAIRN_BENCH_RUN_SEGMENT ?? 100_000)) {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  const page: CustomerState[] = Array.from({ length: states }, (_, i) => {
    const state = newCustomerState(`usr_${i}`);
    const zone = i % 20 === 0 ? undefined : ZONES[i % ZONES.length];
    if (zone) state.profile = { ...state.profile, timezone: zone, timezoneSource: 'trait' };
    return state;
  });
  let handedOn = 0;
  const exits = {
    events: {
      publish: async (events: readonly unknown[]) => {
        handedOn += events.length;
      },
    },
    timers: {
      schedule: async () => {
        handedOn++;
      },
      cancel: async () => {},
      due: async () => [],
      done: async () => {},
    },
  };
  for (const [what, segment] of [
    ['everyone', undefined],
    ['segment vip', 'vip'],
  ] as const) {
    const schedule = ScheduleTrigger.parse({
      at: '2026-12-24T10:00',
      timezone: 'local',
      ...(segment ? { segment } : {}),
    });
    const context: RunContext = {
      journey: { id: 'holiday-vip', schedule },
      run: '2026-12-24T10:00',
      startedAt: Date.parse('2026-12-23T20:00:00Z'),
      segments: config.catalog.segments,
      lifecycle: config.lifecycle,
      defaultTimezone: 'UTC',
    };
    const rates: number[] = [];
    let members = 0;
    for (let round = 0; round < 4; round++) {
      handedOn = 0;
      const started = performance.now();
      members = (await enterMembers(page, context, exits)).audience;
      if (round > 0) rates.push(states / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    console.log(
      `run worker, one Segment (${what}): ${fmt(states)} states -> ${fmt(members)} members, ${fmt(handedOn)} entry inputs; median of 3 runs after a warm-up: ${fmt(rates[1] ?? 0)} states/s on one core (runs: ${rates.map((r) => fmt(r)).join(', ')})`,
    );
  }
}
