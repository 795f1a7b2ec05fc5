import type { StepContext, StepJourney } from '../steps/kind.ts';
import type { CompiledJourney } from './catalog.ts';
import type { Effect, ExitReason, OfEnrollment } from './effects.ts';
import type { CustomerState, Enrollment } from './state.ts';

type Clock = { now: number; defaultTimezone: string };

/** Guards against a loop the validator missed: no input may run more steps than this. */
const MAX_STEPS_PER_INPUT = 200;

/**
 * Walks an enrollment through its steps until it waits, exits or runs out of steps. What each step does is
 * its kind's (functions/core/steps/); this only moves from step to step and gives the steps their context.
 */
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
    const context = this.contextFor(journey, enrollment);
    let stepId: string | undefined = firstStepId;
    for (let count = 0; stepId !== undefined; count++) {
      const step = journey.compiledSteps.get(stepId);
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
      const { journeyId, version, id: enrollmentId } = enrollment;
      // Written out, not spread from ofEnrollment(): one object, in its order.
      this.effects.push({
        at: this.clock.now,
        userId: this.state.userId,
        journeyId,
        version,
        enrollmentId,
        type: 'moved',
        stepId,
        from,
      });
      const outcome = step.run(context);
      if (outcome === 'stop') return;
      stepId = outcome.next;
    }
    this.complete(enrollment);
  }

  /** The context the steps of one run get: one enrollment of one customer, on the engine's clock. */
  private contextFor(journey: StepJourney, enrollment: Enrollment): StepContext {
    return new RunContext(this.clock, this.state, journey, enrollment, this.effects, this.view, this.end);
  }
}

/**
 * A StepContext as a class, not an object of closures: one is made on every run, and tsx and the bundles wrap
 * each named closure in a `__name` call every time it is made (1% of the engine step's samples).
 */
class RunContext implements StepContext {
  constructor(
    private readonly clock: Clock,
    readonly state: CustomerState,
    readonly journey: StepJourney,
    readonly enrollment: Enrollment,
    private readonly effects: Effect[],
    private readonly viewOf: () => Record<string, unknown>,
    private readonly endWith: (e: Enrollment, reason: ExitReason) => void,
  ) {}

  get now(): number {
    return this.clock.now;
  }

  get defaultTimezone(): string {
    return this.clock.defaultTimezone;
  }

  view(): Record<string, unknown> {
    return this.viewOf();
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  ofEnrollment(): OfEnrollment {
    const { enrollment } = this;
    return {
      at: this.clock.now,
      userId: this.state.userId,
      journeyId: enrollment.journeyId,
      version: enrollment.version,
      enrollmentId: enrollment.id,
    };
  }

  end(reason: ExitReason): void {
    this.endWith(this.enrollment, reason);
  }
}
