import type { CallResult } from '../calls/intent.ts';
import { MAX_SAVED_BYTES, savedSize } from '../calls/intent.ts';
import { dateEvent, firedSchedule } from '../triggers/date.ts';
import { scheduledEntryEvent } from '../triggers/schedule.ts';
import type { CompiledJourney } from './catalog.ts';
import { EventWork } from './event-work.ts';
import { heldTimerId, PAUSED_RETRY_MS } from './held-timer.ts';
import type {
  DateTimer,
  Enrollment,
  EntryTimer,
  LifecycleTimer,
  SegmentTimer,
  SendIntent,
  Timer,
  WaitTimer,
} from './state.ts';

/** One input's worth of work: an event (EventWork), a due timer, a call's answer or a dropped send. */
export class Work extends EventWork {
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
    this.state.segmentTimer = undefined;
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
}
