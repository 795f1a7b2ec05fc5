import { type CustomerEvent, dedupeKey } from '../events/index.ts';
import { lifecycleView } from '../lifecycle/lifecycle.ts';
import { durationMs } from '../time/duration.ts';
import { occurrenceKey } from '../triggers/date.ts';
import { runOf } from '../triggers/schedule.ts';
import { fingerprint, shortHash } from './bucket.ts';
import type { CompiledJourney } from './catalog.ts';
import { holds, matchesEventCondition, valueAtPath } from './conditions.ts';
import { CustomerSubject } from './customer-subject.ts';
import type { StateDraft } from './draft.ts';
import type { Effect, ExitReason, NotEnrolledReason } from './effects.ts';
import { engagementHolds } from './engagement.ts';
import type { EngineContext } from './engine-context.ts';
import { forgetEntries } from './entries.ts';
import { heldTimerId, PAUSED_RETRY_MS } from './held-timer.ts';
import { endedBefore } from './order-window.ts';
import {
  type CustomerState,
  ENDED_MEMORY,
  ENDED_MEMORY_MS,
  type Enrollment,
  type EnrollmentWait,
  type TriggerRef,
  type WaitTimer,
} from './state.ts';
import { StepRunner } from './steps.ts';

/**
 * The part of an input's work that enters, moves and ends enrollments, on a draft of the state copied on write
 * (engine/draft.ts). EventWork (engine/event-work.ts) adds what an event does; Work (engine/work.ts) the timers.
 */
export abstract class EnrollmentWork {
  readonly effects: Effect[] = [];
  readonly state: CustomerState;
  /** Made when an input first runs steps: most inputs run none, and it holds three closures. */
  private stepRunner: StepRunner | undefined;

  constructor(
    protected readonly draft: StateDraft,
    protected readonly context: EngineContext,
  ) {
    this.state = draft.state;
  }

  protected get steps(): StepRunner {
    this.stepRunner ??= new StepRunner(
      this.state,
      this.context,
      this.effects,
      () => this.view(),
      (e, reason) => this.end(e, reason),
      (e) => this.complete(e),
    );
    return this.stepRunner;
  }

  protected get now(): number {
    return this.context.now;
  }

  /** The profile view that audience and branch conditions see, with the lifecycle's derived fields. */
  view(): Record<string, unknown> {
    return lifecycleView(this.state.userId, this.state.profile, this.context.lifecycle, this.now);
  }

  /** Whether an enrollment stays in the state: on a step, or completed with its goal window open. */
  protected kept(enrollment: Enrollment): boolean {
    return enrollment.status === 'active' || this.goalOpen(enrollment);
  }

  /** Returns the version an enrollment follows, or ends it when that version is gone or archived. */
  protected journeyOf(enrollment: Enrollment): CompiledJourney | undefined {
    const journey = this.context.catalog.version(enrollment.version);
    if (!journey) {
      this.end(enrollment, 'version-unavailable');
      return undefined;
    }
    if (this.context.catalog.latestOf(enrollment.journeyId)?.journey.status === 'archived') {
      this.end(enrollment, 'journey-archived');
      return undefined;
    }
    return journey;
  }

  protected reactToEvent(enrollment: Enrollment, event: CustomerEvent): void {
    const journey = this.journeyOf(enrollment);
    if (!journey) return;
    if (
      journey.goal &&
      this.goalOpen(enrollment) &&
      matchesEventCondition(journey.goal, event, enrollment.trigger)
    ) {
      this.effects.push(this.goalReached(enrollment, event));
      this.end(enrollment, 'goal');
      return;
    }
    if (enrollment.status !== 'active') return;
    const exit = exitMatched(journey, event, enrollment);
    if (exit) {
      this.end(enrollment, `exit-criteria:${exit.name}`);
      return;
    }
    const wait = enrollment.wait;
    if (wait?.kind !== 'event') return;
    const step = journey.steps.get(wait.stepId);
    const condition = step ? journey.waitConditions.get(step) : undefined;
    if (step?.type !== 'wait' || !condition || !matchesEventCondition(condition, event, enrollment.trigger))
      return;
    this.endWaitEarly(journey, enrollment, wait, step.next, 'event-arrived');
  }

  /**
   * New engagement with one of the enrollment's messages (engine/engagement.ts) was recorded while the
   * enrollment waits: a wait for that engagement ends, and takes `next`.
   */
  protected reactToEngagement(enrollment: Enrollment, wait: EnrollmentWait): void {
    if (enrollment.status !== 'active' || wait.kind !== 'engagement') return;
    const journey = this.journeyOf(enrollment);
    const step = journey?.steps.get(wait.stepId);
    if (!journey || step?.type !== 'wait' || !('engagement' in step)) return;
    if (engagementHolds(enrollment, step.engagement.step, step.engagement.is))
      this.endWaitEarly(journey, enrollment, wait, step.next, 'engagement-seen');
  }

  /** What a wait waits for arrived early: its timer is cancelled and the enrollment goes on to `next`. */
  protected endWaitEarly(
    journey: CompiledJourney,
    given: Enrollment,
    wait: EnrollmentWait,
    next: string | undefined,
    reason: 'event-arrived' | 'engagement-seen',
  ): void {
    const enrollment = this.draft.enrollment(given);
    this.effects.push({
      at: this.now,
      userId: this.state.userId,
      type: 'timer-cancelled',
      timerId: wait.timerId,
      reason,
    });
    const status = this.context.catalog.latestOf(enrollment.journeyId)?.journey.status;
    if (status === 'paused' || status === 'draft') {
      // Held, but not forgotten: from here the wait is a plain delay whose end takes the event's branch
      // (`next`), looked at as a paused journey's due waits are, and run once the journey is active again.
      const timer: WaitTimer = {
        id: heldTimerId(wait.timerId, this.now),
        userId: this.state.userId,
        enrollmentId: enrollment.id,
        journeyId: enrollment.journeyId,
        stepId: wait.stepId,
        dueAt: this.now + PAUSED_RETRY_MS,
        kind: 'duration',
      };
      enrollment.wait = { ...wait, kind: 'duration', timerId: timer.id, dueAt: timer.dueAt };
      this.effects.push({
        ...this.of(enrollment),
        type: 'timer-deferred',
        timer,
        reason: `journey-${status}`,
      });
      return;
    }
    enrollment.wait = undefined;
    if (next === undefined) this.complete(enrollment);
    else this.steps.run(journey, enrollment, next);
  }

  /** Why the customer may not enter now, or the dedupe key to enter under. */
  private entryDecision(
    journey: CompiledJourney,
    event: CustomerEvent,
  ): { refused: NotEnrolledReason } | { key: string } {
    const { status, entry, audience } = journey.journey;
    if (status !== 'active') return { refused: `journey-${status}` };
    if (journey.window?.start !== undefined && this.now < journey.window.start)
      return { refused: 'before-schedule' };
    if (journey.window?.end !== undefined && this.now > journey.window.end)
      return { refused: 'after-schedule' };
    const schedule = journey.journey.trigger.schedule;
    if (schedule) {
      const last = this.state.runs?.[journey.id];
      if (last !== undefined && last === runOf(event)) return { refused: 'run-entered' };
      if (last !== undefined && schedule.members === 'new') return { refused: 'entered-earlier-run' };
    }
    // A date journey's entries are per occurrence (a birthday once a year), unless dedupeBy says otherwise.
    let key = journey.journey.trigger.date ? (occurrenceKey(event) ?? '') : '';
    if (entry.dedupeBy) {
      const value = valueAtPath(event, entry.dedupeBy.split('.'));
      if (typeof value !== 'string' && typeof value !== 'number') return { refused: 'missing-dedupe-key' };
      key = String(value);
    }
    if (
      this.state.enrollments.some((e) => e.journeyId === journey.id && e.key === key && e.status === 'active')
    ) {
      return { refused: 'already-enrolled' };
    }
    const previous = this.state.entries[`${journey.id}|${key}`];
    if (previous) {
      if (entry.reentry === 'never') return { refused: 'entry-once' };
      if (entry.reentry !== 'always' && this.now - previous.lastAt < durationMs(entry.reentry)) {
        return { refused: 'entry-interval' };
      }
      if (entry.maxEntries !== undefined && previous.count >= entry.maxEntries)
        return { refused: 'entry-max' };
    }
    const before = endedBefore(this.state.endings, journey, event);
    if (before) return { refused: before };
    if (audience && journey.audience) {
      const { state, now, context } = this;
      const subject = new CustomerSubject(state, event, now, context.lifecycle, state.segments);
      if (!holds(journey.audience, subject)) return { refused: 'audience' };
    }
    return { key };
  }

  protected tryEnroll(journey: CompiledJourney, event: CustomerEvent): void {
    const decision = this.entryDecision(journey, event);
    if ('refused' in decision) {
      const { id: journeyId } = journey;
      this.effects.push({
        at: this.now,
        userId: this.state.userId,
        type: 'not-enrolled',
        journeyId,
        reason: decision.refused,
      });
      return;
    }
    const { key } = decision;
    const run = journey.journey.trigger.schedule ? runOf(event) : undefined;
    if (run !== undefined) this.state.runs = { ...this.state.runs, [journey.id]: run };
    const entryKey = `${journey.id}|${key}`;
    const entries = this.draft.entries();
    const previous = entries[entryKey];
    entries[entryKey] = { count: (previous?.count ?? 0) + 1, lastAt: this.now };
    // Records only grow here, so this is where they are bounded; an input that enrolls nobody pays nothing.
    forgetEntries(entries, this.context.catalog, this.now);
    const enrollment: Enrollment = {
      id: `${journey.id}:${this.state.userId}:${shortHash(dedupeKey(event))}`,
      journeyId: journey.id,
      version: journey.version,
      key,
      enteredAt: this.now,
      trigger: triggerRef(event),
      status: 'active',
      stepId: journey.start,
      holdout: false,
      sends: 0,
      visits: 0,
    };
    this.draft.enroll(enrollment);
    const { now: at, state } = this;
    const { journeyId, version, id: enrollmentId } = enrollment;
    // Written out, not spread from of(): one object, in of()'s order.
    this.effects.push({
      at,
      userId: state.userId,
      journeyId,
      version,
      enrollmentId,
      type: 'enrolled',
      key,
      holdout: false,
    });
    this.steps.run(journey, enrollment, journey.start);
  }

  protected goalOpen(enrollment: Enrollment): boolean {
    const goal = this.context.catalog.version(enrollment.version)?.goal;
    return goal !== undefined && this.now <= enrollment.enteredAt + goal.withinMs;
  }

  /** The steps ran out: the enrollment stays only to watch for its goal while the goal window is open. */
  protected complete(given: Enrollment): void {
    const enrollment = this.draft.enrollment(given);
    this.effects.push(this.exited(enrollment, 'completed'));
    enrollment.wait = undefined;
    if (this.goalOpen(enrollment)) enrollment.status = 'completed';
    else this.remove(enrollment);
  }

  protected end(enrollment: Enrollment, reason: ExitReason): void {
    if (enrollment.wait) {
      this.effects.push({
        at: this.now,
        userId: this.state.userId,
        type: 'timer-cancelled',
        timerId: enrollment.wait.timerId,
        reason: 'enrollment-ended',
      });
    }
    if (enrollment.status === 'active') this.effects.push(this.exited(enrollment, reason));
    this.remember(enrollment);
    this.remove(enrollment);
  }

  /** An enrollment that ended early, so that a send it held is dropped when it comes back (enrollmentEnded). */
  private remember(enrollment: Enrollment): void {
    const since = this.now - ENDED_MEMORY_MS;
    const kept = (this.state.ended ?? []).filter(([, at]) => at > since);
    kept.push([fingerprint(enrollment.id), this.now]);
    this.state.ended = kept.slice(-ENDED_MEMORY);
  }

  protected remove(enrollment: Enrollment): void {
    this.draft.replaceEnrollments(this.state.enrollments.filter((e) => e !== enrollment));
  }

  /**
   * The `exited` effect, written out in of()'s order and then its own: spreading of() into it cost about a
   * microsecond per exit (a runtime copy), and nearly every goal ends an enrollment.
   */
  private exited(enrollment: Enrollment, reason: ExitReason): Effect {
    const { journeyId, version, id: enrollmentId, stepId } = enrollment;
    const { now: at, state } = this;
    return { at, userId: state.userId, journeyId, version, enrollmentId, type: 'exited', stepId, reason };
  }

  /**
   * The `goal-reached` effect with the revenue the goal event carries, as the Order Completed contract puts it
   * (docs/events.md): written out in of()'s order, then its own fields, then revenue and currency when
   * present, the order the spreads of of() and of the revenue made; each spread was a runtime copy, the
   * revenue's of one of three shapes.
   */
  private goalReached(enrollment: Enrollment, event: CustomerEvent): Effect {
    const { journeyId, version, id: enrollmentId, holdout, variant } = enrollment;
    const { now: at, state } = this;
    const effect: Effect & { type: 'goal-reached' } = {
      at,
      userId: state.userId,
      journeyId,
      version,
      enrollmentId,
      type: 'goal-reached',
      eventId: event.id,
      holdout,
      variant,
    };
    const { revenue, currency } = event.detail.properties;
    if (typeof revenue !== 'number' || !Number.isFinite(revenue)) return effect;
    effect.revenue = revenue;
    if (typeof currency === 'string') effect.currency = currency;
    return effect;
  }

  protected of(enrollment: Enrollment) {
    return {
      at: this.now,
      userId: this.state.userId,
      journeyId: enrollment.journeyId,
      version: enrollment.version,
      enrollmentId: enrollment.id,
    };
  }
}

function triggerRef(event: CustomerEvent): TriggerRef {
  const { id, source, time, detail } = event;
  return {
    id,
    source,
    'detail-type': event['detail-type'],
    time,
    detail: { userId: detail.userId, properties: detail.properties },
  };
}

/** The first exit criterion the event meets: a loop, not `find` with a closure made per enrollment and event. */
function exitMatched(
  journey: CompiledJourney,
  event: CustomerEvent,
  enrollment: Enrollment,
): CompiledJourney['exits'][number] | undefined {
  for (const criterion of journey.exits)
    if (matchesEventCondition(criterion, event, enrollment.trigger)) return criterion;
  return undefined;
}
