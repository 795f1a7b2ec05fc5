import type { EntryTimer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { entryTimer, memberDue, type ScheduleTrigger, scheduledEntryEvent } from '../triggers/schedule.ts';

/** A member of a run's audience: who, and their time zone when the profile has a valid one. */
export type AudienceMember = { userId: string; zone?: string };

/** Why a run gave a member no entry input (the engine's entry rules refuse later, with their own reasons). */
export type RunSkipReason = 'no-timezone' | 'local-time-passed';

/** What a run does for one member: enter now (the entry event, on the ingest path), at a timer, or nothing. */
export type MemberEntry =
  | { kind: 'now'; event: CustomerEvent }
  | { kind: 'later'; timer: EntryTimer }
  | { kind: 'skip'; reason: RunSkipReason };

export type RunJourney = { id: string; schedule: ScheduleTrigger };

/**
 * The entry of each member of one run of a scheduled journey, pure: given the journey, the run (its id is the
 * occurrence's wall-clock date-time), the clock and the environment's default zone. In local time, each
 * member's entry is due at the occurrence's time in their zone; one due now or earlier enters now while their
 * local day of the occurrence lasts (a late or retried run), and is skipped after it. The instants are worked
 * out once per zone, so a run of a million members costs a lookup each, not a time-zone calculation.
 */
export function audienceRunPlanner(
  journey: RunJourney,
  run: string,
  now: number,
  defaultTimezone: string,
): (member: AudienceMember) => MemberEntry {
  const { schedule } = journey;
  const dues = new Map<string, { dueAt: number; dayEnds: number }>();
  const dueIn = (zone: string) => {
    let due = dues.get(zone);
    if (!due) {
      due = memberDue(run, zone);
      dues.set(zone, due);
    }
    return due;
  };
  const fallback = schedule.withoutTimezone ?? defaultTimezone;
  return (member) => {
    const zone = schedule.timezone === 'local' ? (member.zone ?? fallback) : schedule.timezone;
    if (zone === 'skip') return { kind: 'skip', reason: 'no-timezone' };
    const { dueAt, dayEnds } = dueIn(zone);
    if (dueAt > now) return { kind: 'later', timer: entryTimer(journey.id, run, member.userId, dueAt) };
    if (now >= dayEnds) return { kind: 'skip', reason: 'local-time-passed' };
    return { kind: 'now', event: scheduledEntryEvent(journey.id, run, member.userId, now) };
  };
}

/** A run planned whole: for tests and small audiences; the runtime streams members through the planner. */
export type AudienceRunPlan = {
  audience: number;
  now: CustomerEvent[];
  later: EntryTimer[];
  skipped: Partial<Record<RunSkipReason, number>>;
};

export function startAudienceRun(
  journey: RunJourney,
  run: string,
  members: Iterable<AudienceMember>,
  now: number,
  defaultTimezone: string,
): AudienceRunPlan {
  const entryOf = audienceRunPlanner(journey, run, now, defaultTimezone);
  const plan: AudienceRunPlan = { audience: 0, now: [], later: [], skipped: {} };
  for (const member of members) {
    plan.audience++;
    const entry = entryOf(member);
    if (entry.kind === 'now') plan.now.push(entry.event);
    else if (entry.kind === 'later') plan.later.push(entry.timer);
    else plan.skipped[entry.reason] = (plan.skipped[entry.reason] ?? 0) + 1;
  }
  return plan;
}
