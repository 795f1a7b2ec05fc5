import { type CallResult, MAX_SAVED_BYTES, savedSize } from '../calls/intent.ts';
import { type CustomerEvent, dedupeKey } from '../events/index.ts';
import { evaluateStage, type LifecycleModel, lifecycleView, purchaseOf } from '../lifecycle/lifecycle.ts';
import { recordPurchase } from '../lifecycle/purchases.ts';
import { nextStageBoundary } from '../lifecycle/stage-boundary.ts';
import { matchesPattern } from '../patterns/index.ts';
import { applyEventToProfile, LIFECYCLE_SOURCE, STAGE_CHANGED } from '../profile/profile.ts';
import { recordHistory } from '../segments/history.ts';
import { updateSegments } from '../segments/incremental.ts';
import { SEGMENT_SOURCE } from '../segments/schema.ts';
import { durationMs } from '../time/duration.ts';
import { parseInstant } from '../time/instant.ts';
import { zoneOr } from '../time/zoned.ts';
import { dateEvent, firedSchedule, occurrenceKey, planDate } from '../triggers/date.ts';
import { runOf, scheduledEntryEvent } from '../triggers/schedule.ts';
import { fingerprint, shortHash } from './bucket.ts';
import type { CompiledJourney, JourneyCatalog } from './catalog.ts';
import { holds, matchesEventCondition, valueAtPath } from './conditions.ts';
import { CustomerSubject } from './customer-subject.ts';
import { StateDraft } from './draft.ts';
import type { Effect, ExitReason, NotEnrolledReason } from './effects.ts';
import { engagementAfter, engagementHolds, engagementSeen } from './engagement.ts';
import { forgetEntries } from './entries.ts';
import { endedBefore, rememberEndings } from './order-window.ts';
import { alreadySeen, rememberInput } from './seen.ts';
import {
  type CustomerState,
  type DateTimer,
  ENDED_MEMORY,
  ENDED_MEMORY_MS,
  type Enrollment,
  type EnrollmentWait,
  type EntryTimer,
  type LifecycleTimer,
  type SegmentTimer,
  type SendIntent,
  type Timer,
  type TriggerRef,
  type WaitTimer,
} from './state.ts';
import { StepRunner } from './steps.ts';

export type EngineContext = {
  /** The engine's clock: virtual time in the simulator and a replay, the wall clock on AWS. */
  now: number;
  catalog: JourneyCatalog;
  /** Used for local-time waits when the profile has no valid timezone. */
  defaultTimezone: string;
  /** Purchases, derived fields and lifecycle stages; without it stages change only by stage-change events. */
  lifecycle?: LifecycleModel;
  /**
   * How long applied inputs are remembered, by their time: the event-time window's past (InputLimits.pastMs,
   * default 90 days), since an event older than that is refused before it reaches the engine.
   */
  rememberMs?: number;
};

/**
 * send-dropped: the delivery policies dropped a send whose journey asked for `onCap: drop`, which ends its
 * enrollment. It is fed back as an input because the engine hands sends off and never waits for them.
 */
export type EngineInput =
  | { kind: 'event'; event: CustomerEvent }
  | { kind: 'timer'; timer: Timer }
  | { kind: 'send-dropped'; intent: SendIntent }
  /** The answer of a call step's call (runtime/call.ts), or its failure. */
  | { kind: 'call-result'; result: CallResult };
export type EngineResult = { state: CustomerState; effects: Effect[] };

/** How long a due timer of a paused journey waits before it is looked at again. */
export const PAUSED_RETRY_MS = 15 * 60_000;

/**
 * The id of a paused journey's timer held again at `now`: the original id and the latest hold only. Ids must
 * stay bounded: a timer held every 15 minutes through a long pause would otherwise grow past DynamoDB's
 * 1,024-byte sort-key limit (the local stack refused it after 64 holds, the simulator's heap did not).
 */
export function heldTimerId(timerId: string, now: number): string {
  const tilde = timerId.indexOf('~');
  return `${tilde < 0 ? timerId : timerId.slice(0, tilde)}~${now}`;
}

export function inputKey(input: EngineInput): string {
  switch (input.kind) {
    case 'event':
      return dedupeKey(input.event);
    case 'timer':
      return `timer:${input.timer.id}`;
    case 'send-dropped':
      return `send-dropped:${input.intent.messageId}`;
    case 'call-result':
      return `call-result:${input.result.callId}`;
    default: {
      const unknown: never = input;
      throw new Error(`unknown input ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Decides what one input (a customer event or a due timer) does to one customer. Pure: the state passed in
 * is not changed, the same inputs always give the same result, and every decision is returned as an effect.
 */
export function processInput(
  state: CustomerState,
  input: EngineInput,
  context: EngineContext,
  /** The context's `rememberMs` unless given: transition gives the input limits' window, not spreading a context. */
  rememberMs: number | undefined = context.rememberMs,
): EngineResult {
  const key = inputKey(input);
  const print = fingerprint(key);
  if (alreadySeen(state, print)) {
    return {
      state,
      effects: [
        { type: 'ignored', at: context.now, userId: state.userId, reason: 'duplicate-input', inputKey: key },
      ],
    };
  }
  const work = new Work(new StateDraft(state), context);
  if (input.kind === 'event') work.onEvent(input.event);
  else if (input.kind === 'timer') work.onTimer(input.timer);
  else if (input.kind === 'call-result') work.onCallResult(input.result);
  else work.onSendDropped(input.intent);
  work.finish(print, inputTime(input, context.now), rememberMs);
  return { state: work.state, effects: work.effects };
}

/** The time an input is remembered by: an event's own time; a timer's or a dropped send's processing time. */
function inputTime(input: EngineInput, now: number): number {
  if (input.kind !== 'event') return now;
  const at = parseInstant(input.event.time);
  return Number.isFinite(at) ? at : now;
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

/** One input's worth of work on a draft of the state, copied on write (engine/draft.ts). */
class Work {
  readonly effects: Effect[] = [];
  readonly state: CustomerState;
  /** Made when an input first runs steps: most inputs run none, and it holds three closures. */
  private stepRunner: StepRunner | undefined;

  constructor(
    private readonly draft: StateDraft,
    private readonly context: EngineContext,
  ) {
    this.state = draft.state;
  }

  private get steps(): StepRunner {
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

  private get now(): number {
    return this.context.now;
  }

  onEvent(event: CustomerEvent, depth = 0): void {
    const firstEvent = this.state.profile.firstSeenAt === undefined;
    // A segment change is Cairn's own conclusion, not the customer being seen: it leaves the profile alone,
    // so that a membership that changed on a timer does not move daysSinceLastSeen.
    if (event.source !== SEGMENT_SOURCE)
      this.state.profile = applyEventToProfile(this.state.profile, event, this.now);
    const model = this.context.lifecycle;
    const purchase = model && depth === 0 ? purchaseOf(model, event) : undefined;
    if (purchase) {
      const purchases = this.state.profile.purchases;
      const updated = recordPurchase(
        purchases ?? { orders: 0, revenue: 0, refunds: 0, days: [], weeks: [], bitmap: '' },
        purchase.kind,
        parseInstant(event.time),
        purchase.amount,
        this.now,
      );
      this.state.profile = { ...this.state.profile, purchases: updated };
    }
    if (depth === 0) this.countHistory(event);
    const stageChange = depth === 0 ? this.reclassify(firstEvent || purchase !== undefined) : undefined;
    // Segments before the journeys, so that an audience or a branch sees the membership this event made.
    const segmentChanges = depth === 0 ? this.resegment() : [];
    const engagement = engagementSeen(event);
    for (const given of [...this.state.enrollments]) {
      // Feedback about the enrollment's own message is recorded first, so that a branch the event leads to
      // sees it; the event is also an ordinary event, which goals, exits and event waits may match.
      const engaged = engagement && engagementAfter(given, engagement);
      if (engaged) this.draft.enrollment(given).engagement = engaged;
      const wait = given.wait;
      this.reactToEvent(this.draft.current(given), event);
      const enrollment = this.draft.current(given);
      if (engaged && wait && enrollment.wait === wait && this.state.enrollments.includes(enrollment))
        this.reactToEngagement(enrollment, wait);
    }
    for (const journey of this.context.catalog.triggeredBy(event)) {
      // A date journey is entered by its timer only (onDateTimer), never by an event that looks like one.
      if (!journey.journey.trigger.date && matchesPattern(journey.trigger, event))
        this.tryEnroll(journey, event);
    }
    // After the journeys, so that an event that is both a trigger and its own goal does not refuse itself.
    if (depth === 0) this.rememberEndings(event);
    if (stageChange) this.onEvent(stageChange, depth + 1);
    for (const change of segmentChanges) this.onEvent(change, depth + 1);
  }

  /** Remembers a goal or exit event for the triggers that arrive after it (engine/order-window.ts). */
  private rememberEndings(event: CustomerEvent): void {
    const endings = rememberEndings(this.state.endings, this.context.catalog.latest(), event, this.now);
    if (endings) this.state.endings = endings;
    else delete this.state.endings;
  }

  /** Counts a customer event in the event-history counters that some segment or journey uses. */
  private countHistory(event: CustomerEvent): void {
    const specs = this.context.catalog.segments.history;
    if (specs.length === 0 && !this.state.history) return;
    const history = recordHistory(this.state.history, specs, event, this.now);
    if (history) this.state.history = history;
    else delete this.state.history;
  }

  /**
   * Re-evaluates the customer's segments now (segments/incremental.ts); returns the `Segment Entered` and
   * `Segment Exited` events to put through the journeys. A configuration without segments pays nothing.
   */
  private resegment(): CustomerEvent[] {
    const segments = this.context.catalog.segments;
    const { state } = this;
    if (segments.empty && !state.segments && !state.history && !state.segmentTimer) return [];
    const { effects, events } = updateSegments(state, segments, this.now, this.context.lifecycle);
    this.effects.push(...effects);
    return events;
  }

  /**
   * Re-evaluates the lifecycle stage. A change is returned as the stage-change event that journeys trigger on.
   * The next time-driven boundary is rescheduled when the purchases changed or no boundary is pending.
   */
  private reclassify(boundaryMayHaveMoved: boolean): CustomerEvent | undefined {
    const model = this.context.lifecycle;
    if (!model) return undefined;
    const { userId, profile } = this.state;
    const decision = evaluateStage(model, userId, profile, this.now);
    let event: CustomerEvent | undefined;
    if (decision.stage !== profile.stage) {
      const from = profile.stage ?? null;
      const to = decision.stage ?? null;
      const reason = decision.rule?.why ?? 'no stage rule matches';
      this.state.profile = {
        ...profile,
        ...(decision.stage ? { stage: decision.stage } : { stage: undefined }),
        stageSince: this.now,
      };
      this.effects.push({ at: this.now, userId, type: 'stage-changed', from, to, reason });
      event = {
        version: '0',
        id: `lifecycle:${userId}:${this.now}:${to ?? 'none'}`,
        source: LIFECYCLE_SOURCE,
        'detail-type': STAGE_CHANGED,
        time: new Date(this.now).toISOString(),
        resources: [],
        detail: { userId, properties: { from, to, reason } },
      };
    }
    if (boundaryMayHaveMoved || event || !this.state.lifecycleTimer) this.scheduleBoundary(model);
    return event;
  }

  private scheduleBoundary(model: LifecycleModel): void {
    const { userId, profile } = this.state;
    const dueAt = nextStageBoundary(model, userId, profile, this.now);
    if (dueAt === undefined) {
      this.state.lifecycleTimer = undefined;
      return;
    }
    if (this.state.lifecycleTimer?.dueAt === dueAt) return;
    const timer: LifecycleTimer = { id: `lifecycle:${userId}:${dueAt}`, userId, dueAt, kind: 'lifecycle' };
    this.state.lifecycleTimer = { id: timer.id, dueAt };
    this.effects.push({ at: this.now, userId, type: 'timer-scheduled', timer });
  }

  /** The profile view that audience and branch conditions see, with the lifecycle's derived fields. */
  view(): Record<string, unknown> {
    return lifecycleView(this.state.userId, this.state.profile, this.context.lifecycle, this.now);
  }

  onTimer(timer: Timer): void {
    if (timer.kind === 'lifecycle') this.onLifecycleTimer(timer);
    else if (timer.kind === 'date') this.onDateTimer(timer);
    else if (timer.kind === 'segments') this.onSegmentTimer(timer);
    else if (timer.kind === 'entry') this.onEntryTimer(timer);
    else this.onWaitTimer(timer);
  }

  /**
   * A member's local time for a scheduled run came: they enter as the run's entry event would enter them
   * (the same event, so the same enrollment id). Nothing in the state names the timer: the run set it, and
   * `runs` in the state keeps a second firing from enrolling twice.
   */
  private onEntryTimer(timer: EntryTimer): void {
    const journey = this.context.catalog.latestOf(timer.journeyId);
    if (!journey?.journey.trigger.schedule) {
      this.ignoredTimer(timer, 'stale-timer');
      return;
    }
    this.tryEnroll(journey, scheduledEntryEvent(timer.journeyId, timer.run, timer.userId, this.now));
  }

  /** A customer's date came: enter its journey (keyed by the occurrence); finish() sets the next timer. */
  private onDateTimer(timer: DateTimer): void {
    if (this.state.dates?.[timer.journeyId]?.timer?.id !== timer.id) {
      this.ignoredTimer(timer, 'stale-timer');
      return;
    }
    this.state.dates = { ...this.state.dates, [timer.journeyId]: firedSchedule(timer) };
    const journey = this.context.catalog.latestOf(timer.journeyId);
    const trigger = journey?.journey.trigger.date;
    if (journey && trigger) this.tryEnroll(journey, dateEvent(timer, trigger, this.state.profile, this.now));
  }

  /**
   * Sets each date journey's timer at the customer's next occurrence, when the date, the zone or the journey
   * changed since it was set (triggers/date.ts). Draft and archived journeys keep what they had.
   */
  private scheduleDates(): void {
    for (const journey of this.context.catalog.latest()) {
      const trigger = journey.journey.trigger.date;
      const { status } = journey.journey;
      if (!trigger || status === 'draft' || status === 'archived') continue;
      const { userId, profile } = this.state;
      const zone = zoneOr(profile.timezone, this.context.defaultTimezone);
      const previous = this.state.dates?.[journey.id];
      const dated = { id: journey.id, version: journey.version, trigger };
      const plan = planDate(dated, { userId, profile, zone }, this.now, previous);
      if (!plan) continue;
      this.state.dates = { ...this.state.dates, [journey.id]: plan.schedule };
      if (plan.timer) this.effects.push({ at: this.now, userId, type: 'timer-scheduled', timer: plan.timer });
      if (plan.refused)
        this.effects.push({
          at: this.now,
          userId,
          type: 'not-enrolled',
          journeyId: journey.id,
          reason: plan.refused,
        });
    }
  }

  private ignoredTimer(timer: Timer, reason: 'stale-timer' | 'unknown-enrollment'): void {
    const { now: at, state } = this;
    this.effects.push({ at, userId: state.userId, inputKey: `timer:${timer.id}`, type: 'ignored', reason });
  }

  private onLifecycleTimer(timer: LifecycleTimer): void {
    if (this.state.lifecycleTimer?.id !== timer.id) {
      this.ignoredTimer(timer, 'stale-timer');
      return;
    }
    this.state.lifecycleTimer = undefined;
    const stageChange = this.reclassify(true);
    const segmentChanges = this.resegment();
    if (stageChange) this.onEvent(stageChange, 1);
    for (const change of segmentChanges) this.onEvent(change, 1);
  }

  private onSegmentTimer(timer: SegmentTimer): void {
    if (this.state.segmentTimer?.id !== timer.id) {
      this.ignoredTimer(timer, 'stale-timer');
      return;
    }
    delete this.state.segmentTimer;
    for (const change of this.resegment()) this.onEvent(change, 1);
  }

  private onWaitTimer(timer: WaitTimer): void {
    const found = this.state.enrollments.find((e) => e.id === timer.enrollmentId);
    if (!found) {
      this.ignoredTimer(timer, 'unknown-enrollment');
      return;
    }
    const { wait } = found;
    if (wait?.timerId !== timer.id) {
      this.ignoredTimer(timer, 'stale-timer');
      return;
    }
    const enrollment = this.draft.enrollment(found);
    const journey = this.journeyOf(enrollment);
    if (!journey) return;
    const status = this.context.catalog.latestOf(enrollment.journeyId)?.journey.status;
    if (status === 'paused' || status === 'draft') {
      const deferred: WaitTimer = {
        ...timer,
        id: heldTimerId(timer.id, this.now),
        dueAt: this.now + PAUSED_RETRY_MS,
      };
      enrollment.wait = { ...wait, timerId: deferred.id, dueAt: deferred.dueAt };
      this.effects.push({
        ...this.of(enrollment),
        type: 'timer-deferred',
        timer: deferred,
        reason: `journey-${status}`,
      });
      return;
    }
    const step = journey.steps.get(wait.stepId);
    if (step?.type === 'call') {
      // No answer within every attempt and backoff: the call failed as far as the journey is concerned.
      this.takeCallAnswer(journey, enrollment, step, timer.id, { ok: false, reason: 'no_answer_in_time' });
      return;
    }
    let next: string | undefined;
    if (step?.type === 'wait') {
      const awaiting = wait.kind === 'event' || wait.kind === 'engagement';
      next = !awaiting ? step.next : 'onTimeout' in step ? step.onTimeout : undefined;
    }
    enrollment.wait = undefined;
    if (next === undefined) this.complete(enrollment);
    else this.steps.run(journey, enrollment, next);
  }

  /** A call's answer moves on the enrollment waiting for exactly that call; any other is stale. */
  onCallResult(result: CallResult): void {
    const found = this.state.enrollments.find((e) => e.id === result.enrollmentId);
    const wait = found?.wait;
    if (!found || wait?.kind !== 'call' || wait.timerId !== result.callId) {
      const reason = found ? 'stale-call' : 'unknown-enrollment';
      const inputKey = `call-result:${result.callId}`;
      this.effects.push({ at: this.now, userId: this.state.userId, type: 'ignored', reason, inputKey });
      return;
    }
    const enrollment = this.draft.enrollment(found);
    const journey = this.journeyOf(enrollment);
    const step = journey?.steps.get(wait.stepId);
    if (!journey || step?.type !== 'call') return;
    this.effects.push({
      at: this.now,
      userId: this.state.userId,
      type: 'timer-cancelled',
      timerId: wait.timerId,
      reason: 'call-answered',
    });
    this.takeCallAnswer(journey, enrollment, step, result.callId, result.answer);
  }

  /** Keeps the saved fields (bounded) and goes on to `next`, or to `onFailure` when the call failed. */
  private takeCallAnswer(
    journey: CompiledJourney,
    enrollment: Enrollment,
    step: { id: string; next?: string | undefined; onFailure?: string | undefined },
    callId: string,
    answer: CallResult['answer'],
  ): void {
    enrollment.wait = undefined;
    let outcome = answer;
    if (answer.ok) {
      const saved = { ...enrollment.saved, ...answer.saved };
      if (savedSize(saved) > MAX_SAVED_BYTES) outcome = { ok: false, reason: 'answer_too_large' };
      else if (Object.keys(answer.saved).length > 0) enrollment.saved = saved;
    }
    this.effects.push({
      ...this.of(enrollment),
      type: 'call-answered',
      stepId: step.id,
      callId,
      ok: outcome.ok,
      ...(outcome.ok ? {} : { reason: outcome.reason }),
      saved: outcome.ok ? Object.keys(outcome.saved) : [],
    });
    const next = outcome.ok ? step.next : step.onFailure;
    if (next === undefined) this.complete(enrollment);
    else this.steps.run(journey, enrollment, next);
  }

  /** Only an enrollment still on its steps ends; one that completed keeps watching for its goal. */
  onSendDropped(intent: SendIntent): void {
    const enrollment = this.state.enrollments.find((e) => e.id === intent.enrollmentId);
    if (enrollment?.status === 'active') this.end(enrollment, 'send-dropped');
  }

  finish(print: number, at: number, rememberMs: number | undefined): void {
    this.scheduleDates();
    this.state.seen = rememberInput(this.state, print, at, this.now, rememberMs);
    if (this.state.processed.length > 0) this.state.processed = [];
    if (!this.allKept()) this.draft.replaceEnrollments(this.state.enrollments.filter((e) => this.kept(e)));
    this.forgetOldSends(this.now - 86_400_000);
  }

  /** Whether every enrollment stays: a loop, not `every` with a closure, since every input asks. */
  private allKept(): boolean {
    for (const enrollment of this.state.enrollments) if (!this.kept(enrollment)) return false;
    return true;
  }

  /** Drops the journeys' send times of a day ago and more; a journey with none to drop is left as it is. */
  private forgetOldSends(dayAgo: number): void {
    const given = this.state.journeySends;
    for (const id in given) {
      const sends = given[id];
      if (!sends || !Object.hasOwn(given, id) || !sends.recent.some((t) => t <= dayAgo)) continue;
      this.state.journeySends = {
        ...this.state.journeySends,
        [id]: { ...sends, recent: sends.recent.filter((t) => t > dayAgo) },
      };
    }
  }

  /** Whether an enrollment stays in the state: on a step, or completed with its goal window open. */
  private kept(enrollment: Enrollment): boolean {
    return enrollment.status === 'active' || this.goalOpen(enrollment);
  }

  /** Returns the version an enrollment follows, or ends it when that version is gone or archived. */
  private journeyOf(enrollment: Enrollment): CompiledJourney | undefined {
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

  private reactToEvent(enrollment: Enrollment, event: CustomerEvent): void {
    const journey = this.journeyOf(enrollment);
    if (!journey) return;
    if (
      journey.goal &&
      this.goalOpen(enrollment) &&
      matchesEventCondition(journey.goal, event, enrollment.trigger)
    ) {
      this.effects.push({
        ...this.of(enrollment),
        type: 'goal-reached',
        eventId: event.id,
        holdout: enrollment.holdout,
        variant: enrollment.variant,
        ...goalRevenue(event),
      });
      this.end(enrollment, 'goal');
      return;
    }
    if (enrollment.status !== 'active') return;
    const exit = journey.exits.find((criterion) =>
      matchesEventCondition(criterion, event, enrollment.trigger),
    );
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
  private reactToEngagement(enrollment: Enrollment, wait: EnrollmentWait): void {
    if (enrollment.status !== 'active' || wait.kind !== 'engagement') return;
    const journey = this.journeyOf(enrollment);
    const step = journey?.steps.get(wait.stepId);
    if (!journey || step?.type !== 'wait' || !('engagement' in step)) return;
    if (engagementHolds(enrollment, step.engagement.step, step.engagement.is))
      this.endWaitEarly(journey, enrollment, wait, step.next, 'engagement-seen');
  }

  /** What a wait waits for arrived early: its timer is cancelled and the enrollment goes on to `next`. */
  private endWaitEarly(
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

  private tryEnroll(journey: CompiledJourney, event: CustomerEvent): void {
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

  private goalOpen(enrollment: Enrollment): boolean {
    const goal = this.context.catalog.version(enrollment.version)?.goal;
    return goal !== undefined && this.now <= enrollment.enteredAt + goal.withinMs;
  }

  /** The steps ran out: the enrollment stays only to watch for its goal while the goal window is open. */
  private complete(given: Enrollment): void {
    const enrollment = this.draft.enrollment(given);
    this.effects.push({
      ...this.of(enrollment),
      type: 'exited',
      stepId: enrollment.stepId,
      reason: 'completed',
    });
    enrollment.wait = undefined;
    if (this.goalOpen(enrollment)) enrollment.status = 'completed';
    else this.remove(enrollment);
  }

  private end(enrollment: Enrollment, reason: ExitReason): void {
    if (enrollment.wait) {
      this.effects.push({
        at: this.now,
        userId: this.state.userId,
        type: 'timer-cancelled',
        timerId: enrollment.wait.timerId,
        reason: 'enrollment-ended',
      });
    }
    if (enrollment.status === 'active') {
      this.effects.push({ ...this.of(enrollment), type: 'exited', stepId: enrollment.stepId, reason });
    }
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

  private remove(enrollment: Enrollment): void {
    this.draft.replaceEnrollments(this.state.enrollments.filter((e) => e !== enrollment));
  }

  private of(enrollment: Enrollment) {
    return {
      at: this.now,
      userId: this.state.userId,
      journeyId: enrollment.journeyId,
      version: enrollment.version,
      enrollmentId: enrollment.id,
    };
  }
}

/** The revenue a goal event carries, as the Order Completed contract puts it (docs/events.md). */
function goalRevenue(event: CustomerEvent): { revenue?: number; currency?: string } {
  const { revenue, currency } = event.detail.properties;
  if (typeof revenue !== 'number' || !Number.isFinite(revenue)) return {};
  return typeof currency === 'string' ? { revenue, currency } : { revenue };
}
