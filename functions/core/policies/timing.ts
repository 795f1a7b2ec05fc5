import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { firstLocalInstant, type LocalClock, localClock } from '../time/zoned.ts';
import type { Override, Policies } from './config.ts';
import type { Decision } from './outcome.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** How far ahead a held message looks for an allowed minute before it is dropped as unsendable. */
export const HOLD_HORIZON_MS = 14 * 86_400_000;

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Inside [from, to) in minutes of the day; when to is earlier than from the window crosses midnight. */
function insideMinutes(minuteOfDay: number, from: number, to: number): boolean {
  return from < to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

function overrides(intent: SendIntent, by: readonly Override[]): boolean {
  return (
    (by.includes('transactional') && intent.category === 'transactional') ||
    (by.includes('high-priority') && intent.priority === 'high')
  );
}

type TimeRule = {
  rule: string;
  reason: 'quiet_time' | 'outside_send_window' | 'closed_day';
  behaviour: 'hold' | 'drop';
  blocks: (local: LocalClock) => boolean;
  boundaries: number[];
};

/**
 * The time rules of each channel and override case, made once per policies object (the configuration, never
 * changed once loaded): every send asks twice (reach.ts and checkTiming), and making them allocates closures,
 * names and boundary lists, and splits each "HH:MM".
 */
const madeRules = new WeakMap<Policies, Map<string, readonly TimeRule[]>>();

/** The local-time rules that apply to this send on this channel; overridden ones are left out. */
export function timeRules(intent: SendIntent, channel: Channel, policies: Policies): readonly TimeRule[] {
  // What overrides reads of the send: its category and its priority.
  const transactional = intent.category === 'transactional';
  const high = intent.priority === 'high';
  const key = `${channel}${transactional ? '|t' : '|'}${high ? '|h' : '|'}`;
  let byCase = madeRules.get(policies);
  if (!byCase) {
    byCase = new Map();
    madeRules.set(policies, byCase);
  }
  let rules = byCase.get(key);
  if (!rules) {
    rules = makeTimeRules(intent, channel, policies);
    byCase.set(key, rules);
  }
  return rules;
}

function makeTimeRules(intent: SendIntent, channel: Channel, policies: Policies): TimeRule[] {
  const rules: TimeRule[] = [];
  const quiet = policies.quietHours[channel];
  if (quiet && !overrides(intent, quiet.overriddenBy)) {
    const [from, to] = [minutesOf(quiet.from), minutesOf(quiet.to)];
    rules.push({
      rule: `quietHours.${channel}`,
      reason: 'quiet_time',
      behaviour: quiet.behaviour,
      blocks: (local) => insideMinutes(local.minuteOfDay, from, to),
      boundaries: [from, to],
    });
  }
  const window = policies.sendWindows[channel];
  if (window && !overrides(intent, window.overriddenBy)) {
    const open = window.open.map((o) => ({ days: o.days, from: minutesOf(o.from), to: minutesOf(o.to) }));
    rules.push({
      rule: `sendWindows.${channel}`,
      reason: 'outside_send_window',
      behaviour: window.behaviour,
      blocks: (local) =>
        !open.some(
          (o) =>
            o.days.includes(WEEKDAYS[local.weekday - 1] ?? 'mon') &&
            insideMinutes(local.minuteOfDay, o.from, o.to),
        ),
      boundaries: open.flatMap((o) => [o.from, o.to]),
    });
  }
  const closed = policies.closedDays;
  const dates = closed.dates.filter((d) => !d.channels || d.channels.includes(channel));
  if (dates.length > 0 && !overrides(intent, closed.overriddenBy)) {
    const byDate = new Map(dates.map((d) => [d.date, d]));
    rules.push({
      rule: 'closedDays',
      reason: 'closed_day',
      behaviour: closed.behaviour,
      blocks: (local) => byDate.has(local.date),
      boundaries: [],
    });
  }
  return rules;
}

/**
 * Stage 2: quiet hours, send windows and closed days in the recipient's local time. Allowed now: pass. Else,
 * when every blocking rule holds, DEFERRED until the first minute that all rules allow; when one drops, DROPPED.
 */
export function checkTiming(
  intent: SendIntent,
  channel: Channel,
  zone: string,
  policies: Policies,
  now: number,
): Decision {
  const rules = timeRules(intent, channel, policies);
  if (rules.length === 0) return { pass: true };
  const local = localClock(now, zone);
  const blocking = rules.filter((r) => r.blocks(local));
  const first = blocking[0];
  if (!first) return { pass: true };
  const dropping = blocking.find((r) => r.behaviour === 'drop');
  if (dropping)
    return {
      pass: false,
      outcome: { status: 'DROPPED', reason: dropping.reason, rule: ruleName(dropping, local), channel },
    };
  const until = firstLocalInstant(
    now,
    zone,
    rules.flatMap((r) => r.boundaries),
    (l) => rules.every((r) => !r.blocks(l)),
    HOLD_HORIZON_MS,
  );
  if (until === undefined)
    return {
      pass: false,
      outcome: { status: 'DROPPED', reason: 'no_send_time', rule: ruleName(first, local), channel },
    };
  return {
    pass: false,
    outcome: { status: 'DEFERRED', reason: first.reason, rule: ruleName(first, local), channel, until },
  };
}

function ruleName(rule: TimeRule, local: LocalClock): string {
  return rule.reason === 'closed_day' ? `closedDays.${local.date}` : rule.rule;
}
