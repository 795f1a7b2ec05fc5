import type { Step } from '../journeys/schema.ts';
import { durationMs } from '../time/duration.ts';
import { isValidTimezone, nextLocalTime } from '../time/zoned.ts';
import { percentileOf } from './bucket.ts';
import type { CompiledJourney } from './catalog.ts';
import { holds } from './conditions.ts';
import type { Effect, ExitReason } from './effects.ts';
import type { CustomerState, Enrollment, Timer } from './state.ts';

type Clock = { now: number; defaultTimezone: string };

/** Guards against a loop the validator missed: no input may run more steps than this. */
const MAX_STEPS_PER_INPUT = 200;

/**
 * Go on to `next` (the enrollment completes when it is undefined), or stop because the enrollment waits or
 * ended. Not a bare step id: "stop" is a valid one.
 */
type StepOutcome = { next: string | undefined } | 'stop';

/** Walks an enrollment through its steps until it waits, exits or runs out of steps. */
export class StepRunner {
  constructor(
    private readonly state: CustomerState,
    private readonly clock: Clock,
    private readonly effects: Effect[],
    private readonly view: () => Record<string, unknown>,
    private readonly end: (e: Enrollment, reason: ExitReason) => void,
    private readonly complete: (e: Enrollment) => void,
  ) {}

  run(journey: CompiledJourney, enrollment: Enrollment, firstStepId: string): void {
    let stepId: string | undefined = firstStepId;
    for (let count = 0; stepId !== undefined; count++) {
      const step = journey.steps.get(stepId);
      if (!step || count >= MAX_STEPS_PER_INPUT) {
        this.end(enrollment, step ? 'step-limit' : 'step-missing');
        return;
      }
      const from =
        enrollment.stepId === stepId && count === 0 && enrollment.visits === 0
          ? undefined
          : enrollment.stepId;
      enrollment.stepId = stepId;
      enrollment.visits++;
      this.effects.push({ ...this.of(enrollment), type: 'moved', stepId, from });
      const outcome = this.execute(journey, enrollment, step);
      if (outcome === 'stop') return;
      stepId = outcome.next;
    }
    this.complete(enrollment);
  }

  /** Runs one step; returns where to go next, or 'stop' when the enrollment waits or ended. */
  private execute(journey: CompiledJourney, enrollment: Enrollment, step: Step): StepOutcome {
    switch (step.type) {
      case 'send':
        return this.send(journey, enrollment, step) ? { next: step.next } : 'stop';
      case 'wait':
        this.wait(journey, enrollment, step);
        return 'stop';
      case 'branch': {
        const conditions = journey.stepConditions.get(step) ?? [];
        const subject = {
          userId: this.state.userId,
          profile: this.state.profile,
          trigger: enrollment.trigger,
          view: this.view,
        };
        const taken = step.branches.find((_, i) => {
          const condition = conditions[i];
          return condition !== undefined && holds(condition, subject);
        });
        return { next: taken ? taken.next : step.default };
      }
      case 'split': {
        const variant = pickVariant(step.variants, percentileOf(this.state.userId, journey.id, step.id));
        if (!variant) return { next: undefined };
        enrollment.variant = variant.name;
        this.effects.push({
          ...this.of(enrollment),
          type: 'split-assigned',
          stepId: step.id,
          variant: variant.name,
        });
        return { next: variant.next };
      }
      case 'holdout':
        if (percentileOf(this.state.userId, journey.id, step.id) < step.percent) {
          enrollment.holdout = true;
          this.effects.push({ ...this.of(enrollment), type: 'held-out', stepId: step.id });
        }
        return { next: step.next };
      case 'update-profile': {
        const traits = { ...this.state.profile.traits, ...(step.set ?? {}) };
        for (const name of step.unset ?? []) delete traits[name];
        this.state.profile = { ...this.state.profile, traits };
        this.effects.push({
          ...this.of(enrollment),
          type: 'profile-updated',
          set: step.set ?? {},
          unset: step.unset ?? [],
        });
        return { next: step.next };
      }
      case 'emit-event':
        this.effects.push({
          ...this.of(enrollment),
          type: 'event-emitted',
          detailType: step.detailType,
          properties: step.properties ?? {},
        });
        return { next: step.next };
      case 'exit':
        this.end(enrollment, step.reason ? `exit-step:${step.reason}` : 'exit-step');
        return 'stop';
      default: {
        const unknown: never = step;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Returns false when the enrollment ended because the journey may send it nothing more. */
  private send(journey: CompiledJourney, enrollment: Enrollment, step: Step & { type: 'send' }): boolean {
    const now = this.clock.now;
    const withheld = (reason: 'holdout' | 'journey-daily-limit' | 'journey-total-limit') =>
      this.effects.push({
        ...this.of(enrollment),
        type: 'send-withheld',
        stepId: step.id,
        reason,
        template: step.template,
      });
    if (enrollment.holdout) {
      withheld('holdout');
      return true;
    }
    const limits = journey.journey.limits;
    const sends = this.state.journeySends[journey.id] ?? { total: 0, recent: [] };
    if (limits?.total !== undefined && sends.total >= limits.total) {
      withheld('journey-total-limit');
      this.end(enrollment, 'journey-limit');
      return false;
    }
    const recent = sends.recent.filter((t) => t > now - 86_400_000);
    if (limits?.perDay !== undefined && recent.length >= limits.perDay) {
      withheld('journey-daily-limit');
      return true;
    }
    this.state.journeySends[journey.id] = { total: sends.total + 1, recent: [...recent, now] };
    enrollment.sends++;
    this.effects.push({
      at: now,
      userId: this.state.userId,
      type: 'send',
      intent: {
        messageId: `${enrollment.id}:${step.id}:${enrollment.visits}`,
        userId: this.state.userId,
        journeyId: journey.id,
        journeyVersion: journey.version,
        enrollmentId: enrollment.id,
        stepId: step.id,
        channels: journey.channels(step),
        template: step.template,
        priority: step.priority,
        category: journey.journey.category,
        tags: step.tags ?? [],
        onCap: step.onCap ?? journey.journey.onCap,
        ...(enrollment.variant !== undefined ? { variant: enrollment.variant } : {}),
        at: now,
        // The message is rendered later, by deliver, when the enrollment may have ended: it carries its trigger.
        trigger: enrollment.trigger,
      },
    });
    return true;
  }

  private wait(journey: CompiledJourney, enrollment: Enrollment, step: Step & { type: 'wait' }): void {
    const now = this.clock.now;
    let dueAt: number;
    let kind: Timer['kind'];
    if (step.until) {
      const zone = this.state.profile.timezone;
      const timezone = zone !== undefined && isValidTimezone(zone) ? zone : this.clock.defaultTimezone;
      dueAt = nextLocalTime(now, timezone, step.until.time, step.until.days);
      kind = 'until';
    } else if (step.event) {
      dueAt = now + durationMs(step.timeout ?? 'P1D');
      kind = 'event';
    } else {
      dueAt = now + durationMs(step.duration ?? 'PT0S');
      kind = 'duration';
    }
    const timer: Timer = {
      id: `${enrollment.id}:${step.id}:${enrollment.visits}`,
      userId: this.state.userId,
      enrollmentId: enrollment.id,
      journeyId: journey.id,
      stepId: step.id,
      dueAt,
      kind,
    };
    enrollment.wait = { stepId: step.id, timerId: timer.id, dueAt, kind };
    this.effects.push({ at: now, userId: this.state.userId, type: 'timer-scheduled', timer });
  }

  private of(enrollment: Enrollment) {
    return {
      at: this.clock.now,
      userId: this.state.userId,
      journeyId: enrollment.journeyId,
      version: enrollment.version,
      enrollmentId: enrollment.id,
    };
  }
}

/** The variant whose cumulative share first exceeds the customer's point in [0, 100). */
function pickVariant<V extends { percent: number }>(variants: readonly V[], point: number): V | undefined {
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.percent;
    if (point < cumulative) return variant;
  }
  return variants.at(-1);
}
