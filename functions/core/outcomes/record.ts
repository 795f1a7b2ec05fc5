import * as z from 'zod';

/**
 * The outcome log's record: one row per thing that happened to a customer in a journey, flat so that the same
 * columns are a JSON line locally, a Glue table's columns on AWS and the SQL of both (outcomes/queries.ts).
 * Column names are snake_case because Glue and Athena fold names to lower case.
 *
 * Versioned: `v` changes only when a column changes meaning or is removed; a new nullable column keeps it.
 */
export const OUTCOME_RECORD_VERSION = 1;

/** What a record is about. The docs (docs/outcomes.md) say which fields each kind fills. */
export const OutcomeKind = z.lazy(() =>
  z.enum([
    'enrolled',
    'not_enrolled',
    'step',
    'grouped',
    'send_withheld',
    'send',
    'feedback',
    'goal_reached',
    'exited',
    'stage_changed',
    'call',
  ]),
);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

/** What a provider said about a message (or a customer said, for `unsubscribed`), whatever the channel. */
export const FeedbackStatus = z.lazy(() =>
  z.enum(['delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'failed']),
);
export type FeedbackStatus = z.infer<typeof FeedbackStatus>;

/**
 * Built on first use, as its columns (below): a function writes its first outcome on its first invocation, and
 * building the schema at import cost every engine function's cold start (docs/benchmarks.md, "Function bundles").
 */
export const OutcomeRecord = z.lazy(() => outcomeRecord());

function outcomeRecord() {
  const text = z.string().min(1);
  const optionalText = text.nullable();
  return z.strictObject({
    v: z.literal(OUTCOME_RECORD_VERSION),
    /**
     * Deterministic: the same decision has the same id on every machine and on every replay, so a record that
     * a retried batch wrote twice is counted once (`SELECT DISTINCT` or a window over `id`).
     */
    id: text,
    kind: OutcomeKind,
    /** When it happened on the machine's clock, ISO 8601 in UTC with milliseconds (sorts as text). */
    occurred_at: z.iso.datetime(),
    user_id: text,
    journey_id: optionalText,
    journey_version: optionalText,
    enrollment_id: optionalText,
    step_id: optionalText,
    /** The split's variant, or `holdout` for the control group, where the decision knows it. */
    variant_group: optionalText,
    message_id: optionalText,
    channel: optionalText,
    /** `send` with SENT: the provider's id of the message (SES message id...), which its feedback names. */
    provider_message_id: optionalText,
    /**
     * `send`: SENT, DEFERRED, SKIPPED, DROPPED, FAILED, UNKNOWN; `feedback`: a FeedbackStatus; `stage_changed`: the
     * new stage; `call`: answered or failed.
     */
    status: optionalText,
    /** Machine-readable, as the engine and the policies name it (docs/journeys.md and docs/policies.md, reason codes). */
    reason: optionalText,
    /** What else the decision said: the policy rule, the previous step or stage, the enrollment key. */
    detail: optionalText,
    // Added after version 1's first records, so a line without them reads as null (version 1 still).
    /** `goal_reached`: the goal event's `detail.properties.revenue`, when it is a number (revenue per customer). */
    revenue: z.number().nullable().default(null),
    /** `goal_reached` with revenue: the goal event's `detail.properties.currency`, when it names one. */
    currency: optionalText.default(null),
  });
}
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;

export type OutcomeColumn = keyof OutcomeRecord;

let columns: readonly OutcomeColumn[] | undefined;

/** The columns in order: the Glue table's, and the order a record's JSON keys are written in. */
export function outcomeColumns(): readonly OutcomeColumn[] {
  columns ??= OutcomeRecord.unwrap().keyof().options;
  return columns;
}

/** A column's type as the Glue table declares it (Hive names); DuckDB's view maps them to its own. */
export function outcomeColumnType(column: OutcomeColumn): 'int' | 'double' | 'string' {
  if (column === 'v') return 'int';
  return column === 'revenue' ? 'double' : 'string';
}

/** The UTC day of a record, the partition it is filed under (`dt=YYYY-MM-DD`), locally and on S3. */
export function outcomeDay(record: Pick<OutcomeRecord, 'occurred_at'>): string {
  return record.occurred_at.slice(0, 10);
}

/** One record as a JSON line (no newline), its keys in column order: what the files and Firehose hold. */
export function outcomeLine(record: OutcomeRecord): string {
  return JSON.stringify(Object.fromEntries(outcomeColumns().map((column) => [column, record[column]])));
}
