// npm run bench -- runs: the local-time fan-out of a scheduled run (functions/core/audience-runs/plan.ts) for
// 1,000,000 members on one core: each member's entry input (a timer at their own 10:00, or the entry event),
// as the run's worker makes them once the audience is resolved.

import { type AudienceMember, audienceRunPlanner } from '../functions/core/audience-runs/plan.ts';
import { ScheduleTrigger } from '../functions/core/triggers/schedule.ts';

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
