import { eachAtMost } from '../collections/at-most.ts';
import type { CompiledJourney } from '../engine/catalog.ts';
import type { CustomerState, EntryTimer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { AudienceRunStore } from '../ports/audience-run-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { TimerStore } from '../ports/timer-store.ts';
import { resolveTimezone } from '../profile/profile.ts';
import { asOf, membershipAt, type SegmentCatalog } from '../segments/evaluate.ts';
import { isValidTimezone } from '../time/zoned.ts';
import type { ScheduledRun, ScheduleTrigger } from '../triggers/schedule.ts';
import { type AudienceMember, audienceRunPlanner } from './plan.ts';
import type { AudienceRunRecord } from './record.ts';

/**
 * A run of a scheduled journey in the three pieces a Distributed Map needs, and that the local stack and the
 * simulator run one after the other in-process (runtime/audience-runs.ts, `performAudienceRun`):
 *
 * 1. `openAudienceRun`: the run recorded as started (another attempt of one that never completed), or found
 *    completed, when nothing is to be done again;
 * 2. `enterMembers`: one page of customer states (a page of the local Scan, one Segment of the parallel Scan on
 *    AWS) through the audience and the planner, each member's entry input handed on; it returns its counts;
 * 3. `completeAudienceRun`: the counts of every page added up and the run recorded as completed.
 *
 * Every page of one run is planned at the run's `startedAt`, whenever its worker runs, so that all agree on who
 * enters now and who at a timer. The entry inputs' ids (`entry:<journey>:<run>:<user>`) do not depend on the
 * attempt or the page, so a page done twice enrolls nobody twice.
 */

/** Entry events put on the ingest path per request: what one SQS SendMessageBatch (and PutEvents) takes. */
export const ENTRY_BATCH = 10;

/** What one page of members came to; the run's record holds their sum. */
export type RunTally = Pick<AudienceRunRecord, 'audience' | 'entries' | 'timers' | 'skipped'>;

export const emptyTally = (): RunTally => ({ audience: 0, entries: 0, timers: 0, skipped: {} });

/** The sum of tallies, skip reasons added up by name. */
export function addTallies(tallies: Iterable<RunTally>): RunTally {
  const sum = emptyTally();
  for (const tally of tallies) {
    sum.audience += tally.audience;
    sum.entries += tally.entries;
    sum.timers += tally.timers;
    for (const [reason, count] of Object.entries(tally.skipped))
      sum.skipped[reason] = (sum.skipped[reason] ?? 0) + count;
  }
  return sum;
}

export type OpenedRun =
  | { kind: 'open'; record: AudienceRunRecord }
  | { kind: 'completed'; record: AudienceRunRecord };

/** Step 1: the run recorded as started, its attempts counted; a completed run is left as it is. */
export async function openAudienceRun(
  journeyId: string,
  scheduled: ScheduledRun,
  ports: { runs: AudienceRunStore; now: () => number },
): Promise<OpenedRun> {
  const before = await ports.runs.get(journeyId, scheduled.run);
  if (before?.completedAt !== undefined) return { kind: 'completed', record: before };
  const record: AudienceRunRecord = {
    journeyId,
    run: scheduled.run,
    dueAt: scheduled.at,
    startedAt: ports.now(),
    attempts: (before?.attempts ?? 0) + 1,
    ...emptyTally(),
  };
  await ports.runs.put(record);
  return { kind: 'open', record };
}

/** What every page of one run is evaluated with: the same for each page, wherever it runs. */
export type RunContext = {
  journey: { id: string; schedule: ScheduleTrigger };
  run: string;
  /** The run's start (its record's `startedAt`): the time of the audience's evaluation and of the plan. */
  startedAt: number;
  segments: SegmentCatalog;
  lifecycle: LifecycleModel | undefined;
  defaultTimezone: string;
};

/** The context of a run of a compiled journey; throws for a journey without a schedule trigger. */
export function runContext(
  journey: CompiledJourney,
  record: Pick<AudienceRunRecord, 'run' | 'startedAt'>,
  settings: Pick<RunContext, 'segments' | 'lifecycle' | 'defaultTimezone'>,
): RunContext {
  const { schedule } = journey.journey.trigger;
  if (!schedule) throw new Error(`journey ${journey.id} has no schedule trigger`);
  return {
    journey: { id: journey.id, schedule },
    run: record.run,
    startedAt: record.startedAt,
    ...settings,
  };
}

/** Where a page's entry inputs go: the ingest path for those due now, the durable timers for the others. */
export type MemberExits = { events: EventPublisher; timers: TimerStore };

/**
 * Requests in flight at once while a page's entry inputs are handed on: a Segment of 100,000 members is 100,000
 * timer writes, which one after the other (5 ms each) would outlast the worker's 5 minutes.
 */
export const HAND_OFF_CONCURRENCY = 16;

/**
 * Step 2: one page of customer states. Each state in the audience (the segment as of the run's start, or
 * everyone) is a member; the planner (plan.ts) gives each an entry input, put on the ingest path in batches of
 * ENTRY_BATCH or scheduled as a timer at their local time, or a skip with its reason. The page's inputs are
 * handed on HAND_OFF_CONCURRENCY requests at a time; a failure fails the page, whose retry hands on the same ids.
 */
export async function enterMembers(
  states: Iterable<CustomerState>,
  context: RunContext,
  exits: MemberExits,
): Promise<RunTally> {
  const { journey, run, startedAt, defaultTimezone } = context;
  const entryOf = audienceRunPlanner(journey, run, startedAt, defaultTimezone);
  const tally = emptyTally();
  const events: CustomerEvent[] = [];
  const timers: EntryTimer[] = [];
  for (const state of states) {
    const member = audienceMember(state, context);
    if (!member) continue;
    tally.audience++;
    const entry = entryOf(member);
    if (entry.kind === 'skip') tally.skipped[entry.reason] = (tally.skipped[entry.reason] ?? 0) + 1;
    else if (entry.kind === 'later') timers.push(entry.timer);
    else events.push(entry.event);
  }
  const batches = Array.from({ length: Math.ceil(events.length / ENTRY_BATCH) }, (_, i) =>
    events.slice(i * ENTRY_BATCH, (i + 1) * ENTRY_BATCH),
  );
  await eachAtMost(batches, HAND_OFF_CONCURRENCY, (batch) => exits.events.publish(batch));
  await eachAtMost(timers, HAND_OFF_CONCURRENCY, (timer) => exits.timers.schedule(timer));
  tally.entries = events.length + timers.length;
  tally.timers = timers.length;
  return tally;
}

/** Step 3: the run's record with the pages' counts added up, completed at `now`. */
export function completeAudienceRun(
  record: AudienceRunRecord,
  tallies: Iterable<RunTally>,
  now: number,
): AudienceRunRecord & { completedAt: number } {
  return { ...record, ...addTallies(tallies), completedAt: now };
}

/** The member a state is, when it is in the run's audience (the segment, or everyone) as of the run's start. */
function audienceMember(state: CustomerState, context: RunContext): AudienceMember | undefined {
  const { segment } = context.journey.schedule;
  const { segments, lifecycle, startedAt } = context;
  if (segment !== undefined) {
    const current = asOf(state, lifecycle, startedAt);
    if (!membershipAt(segments, current, startedAt, lifecycle).includes(segment)) return undefined;
  }
  // The zone the delivery policies use (the profile's fallback chain), so that a run and quiet hours agree.
  const zone = resolveTimezone(state.profile, '');
  return zone.source !== 'default' && isValidTimezone(zone.zone)
    ? { userId: state.userId, zone: zone.zone }
    : { userId: state.userId };
}
