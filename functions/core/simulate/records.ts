import * as z from 'zod';
import { AudienceRunRecord } from '../audience-runs/record.ts';
import { SendStatus } from '../policies/outcome.ts';

/**
 * What a simulation's tally (tally.ts) keeps and its result writes: the schemas of its records and counters,
 * which also check them where they cross from a worker to the merge (simulate/partition-run.ts).
 */

/** Every status a delivery outcome has (policies/outcome.ts, DeliveryOutcome). */
const DeliveryStatus = z.enum([...SendStatus.options, 'FAILED', 'UNKNOWN']);

export const MessageRecord = z.object({
  messageId: z.string(),
  userId: z.string(),
  journeyId: z.string(),
  journeyVersion: z.string(),
  stepId: z.string(),
  channels: z.array(z.string()),
  channel: z.string().nullable(),
  template: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  priority: z.string(),
  variant: z.string().nullable(),
  /** When the intent was made; `at` is when its final outcome was decided. */
  intendedAt: z.string(),
  at: z.string(),
  status: DeliveryStatus,
  reason: z.string(),
  rule: z.string().nullable(),
  /** With DEFERRED (a send still held when the simulation ended): when it would be tried again. */
  until: z.string().nullable(),
  notes: z.array(z.string()),
  /** Channels of the preference that were not used, and why, e.g. `push: no_opt_in`. */
  passedOver: z.array(z.string()),
  deferrals: z.number(),
});
export type MessageRecord = z.infer<typeof MessageRecord>;

export const EnrollmentRecord = z.object({
  enrollmentId: z.string(),
  userId: z.string(),
  journeyId: z.string(),
  version: z.string(),
  enteredAt: z.string(),
  holdout: z.boolean(),
  variant: z.string().nullable(),
  exitedAt: z.string().nullable(),
  exitReason: z.string().nullable(),
  goalReachedAt: z.string().nullable(),
  /** The goal event's id, and its revenue when it carried one (several enrollments may share one order). */
  goalEventId: z.string().nullable(),
  goalRevenue: z.number().nullable(),
  goalCurrency: z.string().nullable(),
  /** Where it is waiting when the simulation ends, if it is. */
  waitingAt: z.string().nullable(),
});
export type EnrollmentRecord = z.infer<typeof EnrollmentRecord>;

const Counter = z.record(z.string(), z.number());

export const StepCounters = z.object({
  entered: z.number(),
  waiting: z.number(),
  outcomes: Counter,
  sentByChannel: Counter,
  withheld: Counter,
});
export type StepCounters = z.infer<typeof StepCounters>;

export const GoalGroup = z.object({ entered: z.number(), reached: z.number() });
export type GoalGroup = z.infer<typeof GoalGroup>;

export const JourneyCounters = z.object({
  entered: z.number(),
  /** Final outcomes of the journey's messages by `STATUS:reason`, and notes such as missing_timezone. */
  outcomes: Counter,
  notes: Counter,
  /** Every time a send was held (DEFERRED), by reason; the message's final outcome is in outcomes. */
  held: Counter,
  notEntered: Counter,
  exited: Counter,
  goalReached: z.number(),
  goalByGroup: z.record(z.string(), GoalGroup),
  steps: z.record(z.string(), StepCounters),
});
export type JourneyCounters = z.infer<typeof JourneyCounters>;

/** One run of a scheduled journey: its record (once it completed) and the entries the engine took or refused. */
export const RunTally = z.object({
  journeyId: z.string(),
  run: z.string(),
  record: AudienceRunRecord.optional(),
  entered: z.number(),
  notEntered: Counter,
});
export type RunTally = z.infer<typeof RunTally>;

/** A dead letter as a run reports it: what, and where in the event file when it came from one. */
export const DeadLetterRecord = z.object({
  kind: z.enum(['invalid-event', 'undelivered-send', 'undispatched-effects']),
  /** The event's id (the file's), or the message id of an undelivered send. */
  id: z.string().nullable(),
  /** The line of the event file it came from, when it did. */
  line: z.number().nullable(),
  userId: z.string().nullable(),
  reason: z.string(),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecord>;
