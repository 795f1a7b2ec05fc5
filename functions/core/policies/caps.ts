import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { durationMs } from '../time/duration.ts';
import type { CapCheck } from './caps-window.ts';
import type { CapRule, Policies } from './config.ts';
import type { SendOutcome } from './outcome.ts';

/** Whether a rule selects a message: channel, category and tag must all match what the rule names. */
export function selects(rule: CapRule, intent: SendIntent, channel: Channel): boolean {
  if (rule.channel !== 'any' && rule.channel !== channel) return false;
  // Transactional messages are exempt unless the rule names them.
  if (intent.category === 'transactional' && rule.category !== 'transactional') return false;
  if (rule.category !== undefined && rule.category !== intent.category) return false;
  return rule.tag === undefined || intent.tags.includes(rule.tag);
}

/** Stage 3, before the store: every cap rule that applies to this send on this channel. */
export function capsFor(intent: SendIntent, channel: Channel, policies: Policies): CapCheck[] {
  return policies.caps
    .filter((rule) => selects(rule, intent, channel))
    .map((rule) => ({ ruleId: rule.id, max: rule.max, windowMs: durationMs(rule.per) }));
}

/**
 * Stage 3, after the store said no: the journey's choice. The most restrictive rule is the one whose window
 * frees last; it is the one reported, and a deferred send waits for it.
 */
export function capOutcome(
  intent: SendIntent,
  channel: Channel,
  blocking: readonly { ruleId: string; freesAt: number }[],
): SendOutcome {
  const worst = blocking.reduce<{ ruleId: string; freesAt: number } | undefined>(
    (a, b) => (a === undefined || b.freesAt > a.freesAt ? b : a),
    undefined,
  );
  const base = { reason: 'cap_exceeded', channel, ...(worst ? { rule: `caps.${worst.ruleId}` } : {}) };
  const choice = intent.onCap ?? 'skip';
  switch (choice) {
    case 'skip':
      return { status: 'SKIPPED', ...base };
    case 'defer':
      return { status: 'DEFERRED', ...base, ...(worst ? { until: worst.freesAt } : {}) };
    case 'drop':
      return { status: 'DROPPED', ...base, endsEnrollment: true };
    default: {
      const unknown: never = choice;
      throw new Error(`unknown onCap ${String(unknown)}`);
    }
  }
}
