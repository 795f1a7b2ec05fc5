import type { CallIntent } from '../calls/intent.ts';
import type { JsonValue } from '../events/index.ts';
import type { LifecycleStage } from '../journeys/schema-parts.ts';
import type { DateRefusal } from '../triggers/date.ts';
import type { SendIntent, Timer, WaitTimer } from './state.ts';

/** Why a customer did not enter a journey on an input that matched its trigger. */
export type NotEnrolledReason =
  | 'journey-draft'
  | 'journey-paused'
  | 'journey-archived'
  | 'audience'
  | 'already-enrolled'
  | 'entry-once'
  | 'entry-interval'
  | 'entry-max'
  | 'missing-dedupe-key'
  | 'goal-before'
  | 'exited-before'
  /** The journey's `schedule` window: before its start, or after its end. */
  | 'before-schedule'
  | 'after-schedule'
  /** A scheduled journey: this run enrolled the customer already (a retried or repeated run). */
  | 'run-entered'
  /** A scheduled journey with `members: new`: an earlier run enrolled the customer. */
  | 'entered-earlier-run'
  | DateRefusal;

/** Why an enrollment ended. Exit criteria carry their name: `exit-criteria:<name>`. */
export type ExitReason =
  | 'completed'
  | 'exit-step'
  | 'goal'
  | 'journey-archived'
  | 'journey-limit'
  | 'send-dropped'
  | 'version-unavailable'
  | 'step-missing'
  | 'step-limit'
  | 'date-missing'
  | 'date-invalid'
  | `exit-step:${string}`
  | `exit-criteria:${string}`;

export type WithheldReason = 'holdout' | 'journey-daily-limit' | 'journey-total-limit';

export type IgnoredReason = 'duplicate-input' | 'stale-timer' | 'stale-call' | 'unknown-enrollment';

type Base = { at: number; userId: string };
/** The fields every effect about one enrollment starts with. */
export type OfEnrollment = Base & { journeyId: string; version: string; enrollmentId: string };

/** What the engine decided, one entry per decision, each with a machine-readable reason where it matters. */
export type Effect =
  | (OfEnrollment & { type: 'enrolled'; key: string; holdout: false })
  | (Base & { type: 'not-enrolled'; journeyId: string; reason: NotEnrolledReason })
  | (OfEnrollment & { type: 'moved'; stepId: string; from: string | undefined })
  | (Base & { type: 'send'; intent: SendIntent })
  | (OfEnrollment & { type: 'send-withheld'; stepId: string; reason: WithheldReason; template: string })
  | (Base & { type: 'timer-scheduled'; timer: Timer })
  | (Base & {
      type: 'timer-cancelled';
      timerId: string;
      reason: 'event-arrived' | 'engagement-seen' | 'enrollment-ended' | 'call-answered';
    })
  | (Base & { type: 'call'; intent: CallIntent })
  /** A call step's answer as the enrollment took it: `saved` names the fields it kept. */
  | (OfEnrollment & {
      type: 'call-answered';
      stepId: string;
      callId: string;
      ok: boolean;
      reason?: string;
      saved: string[];
    })
  | (OfEnrollment & { type: 'timer-deferred'; timer: WaitTimer; reason: 'journey-paused' | 'journey-draft' })
  | (OfEnrollment & { type: 'event-emitted'; detailType: string; properties: Record<string, JsonValue> })
  | (OfEnrollment & { type: 'profile-updated'; set: Record<string, JsonValue>; unset: string[] })
  | (OfEnrollment & { type: 'split-assigned'; stepId: string; variant: string })
  | (OfEnrollment & { type: 'held-out'; stepId: string })
  | (OfEnrollment & {
      type: 'goal-reached';
      eventId: string;
      holdout: boolean;
      variant: string | undefined;
      /** The goal event's `detail.properties.revenue`, when it is a number: revenue per customer in reports. */
      revenue?: number;
      /** Its `detail.properties.currency`, when it is a string: amounts in different currencies are not added. */
      currency?: string;
    })
  | (OfEnrollment & { type: 'exited'; stepId: string; reason: ExitReason })
  | (Base & { type: 'stage-changed'; from: LifecycleStage | null; to: LifecycleStage | null; reason: string })
  | (Base & { type: 'segment-changed'; segment: string; entered: boolean })
  | (Base & { type: 'ignored'; reason: IgnoredReason; inputKey: string });

export type EffectType = Effect['type'];
