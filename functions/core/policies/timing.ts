import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { firstLocalInstant, type LocalClock, localClock } from '../time/zoned.ts';
import type { Override, Policies, QuietHours } from './config.ts';
import type { Decision } from './outcome.ts';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** How far ahead a held message looks for an allowed minute before it is dropped as unsendable. */
export const HOLD_HORIZON_MS = 14 * 86_400_000;

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Inside [from, to) on the wall clock; when to is earlier than from the window crosses midnight. */
export function insideWindow(minuteOfDay: number, from: string, to: string): boolean {
  const [f, t] = [minutesOf(from), minutesOf(to)];
  return f < t ? minuteOfDay >= f && minuteOfDay < t : minuteOfDay >= f || minuteOfDay < t;
}

export function isQuiet(quiet: Pick<QuietHours, 'from' | 'to'>, local: LocalClock): boolean {
  return insideWindow(local.minuteOfDay, quiet.from, quiet.to);
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

/** The local-time rules that apply to this send on this channel; overridden ones are left out. */
export function timeRules(intent: SendIntent, channel: Channel, policies: Policies): TimeRule[] {
  const rules: TimeRule[] = [];
  const quiet = policies.quietHours[channel];
  if (quiet && !overrides(intent, quiet.overriddenBy))
    rules.push({
      rule: `quietHours.${channel}`,
      reason: 'quiet_time',
      behaviour: quiet.behaviour,
      blocks: (local) => isQuiet(quiet, local),
      boundaries: [minutesOf(quiet.from), minutesOf(quiet.to)],
    });
  const window = policies.sendWindows[channel];
  if (window && !overrides(intent, window.overriddenBy))
    rules.push({
      rule: `sendWindows.${channel}`,
      reason: 'outside_send_window',
      behaviour: window.behaviour,
      blocks: (local) =>
        !window.open.some(
          (o) =>
            o.days.includes(WEEKDAYS[local.weekday - 1] ?? 'mon') &&
            insideWindow(local.minuteOfDay, o.from, o.to),
        ),
      boundaries: window.open.flatMap((o) => [minutesOf(o.from), minutesOf(o.to)]),
    });
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
