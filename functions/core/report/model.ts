import * as z from 'zod';
import { JourneyResults } from '../results/schema.ts';

/**
 * The report of `cairn report` (docs/outcomes.md, "cairn report"): what `--format json` prints and what the
 * terminal tables and the HTML page show. Every figure comes from the SQL over the outcome log
 * (core/outcomes/queries.ts), the same text on DuckDB and on Athena.
 */
export const REPORT_VERSION = 1;

const count = z.number().int().nonnegative();
/** Counts by a reason or a status, e.g. `{ "completed": 12, "goal": 3 }`. */
const Counts = z.record(z.string(), count);

export const SendCount = z.object({
  /** The message's final outcome: SENT, SKIPPED, DROPPED, DEFERRED (still held), FAILED, UNKNOWN. */
  status: z.string(),
  reason: z.string().nullable(),
  /** The channel it went (or would have gone) to; `-` when none was chosen. */
  channel: z.string(),
  messages: count,
});
export type SendCount = z.infer<typeof SendCount>;

export const FeedbackCount = z.object({ channel: z.string(), status: z.string(), messages: count });
export type FeedbackCount = z.infer<typeof FeedbackCount>;

export const StepReport = z.object({
  stepId: z.string(),
  /** The step's type in the journey's file; null when the file no longer has the step. */
  type: z.string().nullable(),
  /** Times an enrollment reached the step (a loop counts each visit). */
  entered: count,
  enrollments: count,
  /** Enrollments whose last step this is and that have not exited. */
  active: count,
  exited: Counts,
  sends: z.array(SendCount),
  /** Every time a send was held (DEFERRED, tried again later), by reason. */
  held: Counts,
  /** Sends not made by design (the holdout's), by reason. */
  withheld: Counts,
  /** What providers said about the step's messages: delivered, opened, clicked, bounced, unsubscribed... */
  feedback: z.array(FeedbackCount),
});
export type StepReport = z.infer<typeof StepReport>;

export const MoveCount = z.object({ from: z.string().nullable(), to: z.string(), moves: count });
export type MoveCount = z.infer<typeof MoveCount>;

export const DaySends = z.object({
  day: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  messages: count,
});
export type DaySends = z.infer<typeof DaySends>;

export const JourneyReport = z.object({
  journeyId: z.string(),
  /** The journey's name in its file; null when no file has it. */
  name: z.string().nullable(),
  entered: count,
  customers: count,
  active: count,
  completed: count,
  notEntered: Counts,
  exited: Counts,
  steps: z.array(StepReport),
  moves: z.array(MoveCount),
  sendsByDay: z.array(DaySends),
  /** Per customer, per variant and holdout, with intervals and tests; null for a journey without groups. */
  results: JourneyResults.nullable(),
});
export type JourneyReport = z.infer<typeof JourneyReport>;

export const Report = z.object({
  version: z.literal(REPORT_VERSION),
  /** Where the records were read: a local folder (DuckDB) or an environment's Glue table (Athena). */
  source: z.object({ engine: z.enum(['duckdb', 'athena']), location: z.string() }),
  /** The cohort: enrollments that began on these days (UTC, both included); null for an open end. */
  period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  journeys: z.array(JourneyReport),
});
export type Report = z.infer<typeof Report>;
