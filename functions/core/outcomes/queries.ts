/**
 * The SQL over the outcome log, written once for Athena (on the Glue table over the S3 bucket) and DuckDB (on
 * the local folder, adapters/duckdb/outcome-sql.ts). The two dialects differ only in what `Dialect` holds:
 * where the records are, and how an ISO 8601 text becomes a timestamp. Every query is built from the same
 * text by `outcomeQuery`; test/core/outcomes/queries.test.ts runs the DuckDB text on records and holds the
 * Athena text to a golden copy.
 */
export type Dialect = {
  name: 'athena' | 'duckdb';
  /** The relation the records are read from. */
  table: string;
  /** An ISO 8601 text column as a timestamp with zone. */
  timestamp: (column: string) => string;
};

/** DuckDB, over the view that adapters/duckdb/outcome-sql.ts makes of the folder. */
export const DUCKDB: Dialect = {
  name: 'duckdb',
  table: 'outcomes',
  timestamp: (column) => `CAST(${column} AS TIMESTAMPTZ)`,
};

/** Athena (Trino), over the Glue table of an environment (infra/lib/outcome-log.ts names the database). */
export function athena(database: string): Dialect {
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`not a Glue database name: "${database}"`);
  return {
    name: 'athena',
    table: `"${database}"."outcomes"`,
    timestamp: (column) => `from_iso8601_timestamp(${column})`,
  };
}

/**
 * The days a report covers, as `YYYY-MM-DD` (UTC), both ends included; null for an open end. A period is a
 * cohort: the enrollments that began in it, followed to the end of the log (a goal reached or an exit after
 * `to` still counts), with the provider feedback on their messages; records of no enrollment (not entered)
 * count on their own day.
 */
export type Period = { from: string | null; to: string | null };
export const ALL_TIME: Period = { from: null, to: null };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day as YYYY-MM-DD (not 2026-02-30). */
const isDay = (day: string) =>
  DAY.test(day) && !Number.isNaN(Date.parse(day)) && new Date(Date.parse(day)).toISOString().startsWith(day);

export function checkPeriod(period: Period): void {
  for (const [name, day] of Object.entries(period))
    if (day !== null && !isDay(day)) throw new Error(`--${name} must be a day as YYYY-MM-DD, got "${day}"`);
  if (period.from !== null && period.to !== null && period.from > period.to)
    throw new Error(`--from ${period.from} is after --to ${period.to}`);
}

/** The condition that a record's day (from its text, the same in both dialects) is in the period. */
function inPeriod(period: Period, column = 'occurred_at'): string {
  const day = `substr(${column}, 1, 10)`;
  const bounds = [
    ...(period.from === null ? [] : [`${day} >= '${period.from}'`]),
    ...(period.to === null ? [] : [`${day} <= '${period.to}'`]),
  ];
  return bounds.join(' AND ');
}

/**
 * Each record once: a batch that Firehose or a writer retried may have stored a record twice, with its id
 * (core/outcomes/record.ts), and identical rows are one. With a period, `once` holds the period's cohort
 * (`Period`); the day partition `dt` (the day a record was stored, never before it happened) bounds what
 * Athena scans.
 */
function once(d: Dialect, period: Period): string {
  if (period.from === null && period.to === null) return `once AS (SELECT DISTINCT * FROM ${d.table})`;
  const scanned = period.from === null ? '' : ` WHERE dt >= '${period.from}'`;
  return `stored AS (SELECT DISTINCT * FROM ${d.table}${scanned}),
cohort AS (SELECT enrollment_id FROM stored WHERE kind = 'enrolled' AND ${inPeriod(period)}),
once AS (
  SELECT * FROM stored
  WHERE enrollment_id IN (SELECT enrollment_id FROM cohort)
     OR (kind = 'feedback' AND message_id IN (
           SELECT message_id FROM stored WHERE kind = 'send' AND enrollment_id IN (SELECT enrollment_id FROM cohort)))
     OR (enrollment_id IS NULL AND kind <> 'feedback' AND ${inPeriod(period)})
)`;
}

/** The group an enrollment is counted in, from `groups` (below): the control group first, as the tally does. */
const GROUP_OF = "CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END";

/** Per enrollment: whether it was held out and the split's variant it was given. */
const GROUPS = `groups AS (
  SELECT enrollment_id,
         max(CASE WHEN variant_group = 'holdout' THEN 1 ELSE 0 END) AS held_out,
         max(CASE WHEN variant_group <> 'holdout' THEN variant_group END) AS variant
  FROM once
  WHERE kind = 'grouped'
  GROUP BY enrollment_id
)`;

/** Each message's final outcome: its last send record (a held send has one per hold). */
const FINALS = `finals AS (
  SELECT journey_id, step_id, status, reason, channel, substr(occurred_at, 1, 10) AS day,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)`;

type Query = (d: Dialect, period: Period) => string;

const QUERIES = {
  /** Per journey: how many enrollments began, and for how many customers. */
  entered: (d, p) => `WITH ${once(d, p)}
SELECT journey_id,
       count(DISTINCT enrollment_id) AS entered,
       count(DISTINCT user_id) AS customers
FROM once
WHERE kind = 'enrolled'
GROUP BY journey_id
ORDER BY journey_id`,

  /** Per journey: the times a customer matched the trigger and was not enrolled, by reason. */
  not_entered: (d, p) => `WITH ${once(d, p)}
SELECT journey_id, reason, count(*) AS decisions
FROM once
WHERE kind = 'not_enrolled'
GROUP BY journey_id, reason
ORDER BY journey_id, reason`,

  /**
   * Per journey and step: the times an enrollment reached it, how many enrollments did, and how many are
   * there now (its last step, not exited). Moves at the same instant are ordered by their position in the
   * input's effects, the number after the id's last `#`.
   */
  steps: (d, p) => `WITH ${once(d, p)},
moves AS (
  SELECT journey_id, step_id, enrollment_id,
         row_number() OVER (
           PARTITION BY enrollment_id
           ORDER BY occurred_at DESC, CAST(regexp_extract(id, '#([0-9]+)$', 1) AS INTEGER) DESC
         ) AS latest
  FROM once
  WHERE kind = 'step'
),
ended AS (SELECT DISTINCT enrollment_id FROM once WHERE kind = 'exited')
SELECT m.journey_id, m.step_id,
       count(*) AS entered,
       count(DISTINCT m.enrollment_id) AS enrollments,
       count(CASE WHEN m.latest = 1 AND x.enrollment_id IS NULL THEN 1 END) AS active
FROM moves m
LEFT JOIN ended x ON x.enrollment_id = m.enrollment_id
GROUP BY m.journey_id, m.step_id
ORDER BY m.journey_id, m.step_id`,

  /** Per journey: the moves between steps (`from_step` null for the first), for the diagram's edges. */
  moves: (d, p) => `WITH ${once(d, p)}
SELECT journey_id, detail AS from_step, step_id AS to_step, count(*) AS moves
FROM once
WHERE kind = 'step'
GROUP BY journey_id, detail, step_id
ORDER BY journey_id, from_step, to_step`,

  /** Per journey and step: enrollments that exited there, by reason (`completed` is the end of the journey). */
  exits: (d, p) => `WITH ${once(d, p)}
SELECT journey_id, step_id, reason, count(*) AS enrollments
FROM once
WHERE kind = 'exited'
GROUP BY journey_id, step_id, reason
ORDER BY journey_id, step_id, reason`,

  /** Per journey and step: each message's final outcome by status, reason and channel. */
  sends: (d, p) => `WITH ${once(d, p)},
${FINALS}
SELECT journey_id, step_id, status, reason, coalesce(channel, '-') AS channel, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, step_id, status, reason, coalesce(channel, '-')
ORDER BY journey_id, step_id, status, reason, channel`,

  /**
   * Per journey and step: every time a send was held (`held`: DEFERRED, tried again later) or withheld
   * (`withheld`: not sent by design, such as the holdout's), by reason.
   */
  holds: (d, p) => `WITH ${once(d, p)}
SELECT journey_id, step_id, CASE WHEN kind = 'send' THEN 'held' ELSE 'withheld' END AS what, reason,
       count(*) AS times
FROM once
WHERE kind = 'send_withheld' OR (kind = 'send' AND status = 'DEFERRED')
GROUP BY journey_id, step_id, CASE WHEN kind = 'send' THEN 'held' ELSE 'withheld' END, reason
ORDER BY journey_id, step_id, what, reason`,

  /** Per journey, step and channel: the messages providers said were delivered, opened, clicked, bounced... */
  feedback: (d, p) => `WITH ${once(d, p)}
SELECT journey_id, step_id, coalesce(channel, '-') AS channel, status,
       count(DISTINCT coalesce(message_id, id)) AS messages
FROM once
WHERE kind = 'feedback'
GROUP BY journey_id, step_id, coalesce(channel, '-'), status
ORDER BY journey_id, step_id, channel, status`,

  /** Per journey and UTC day: messages by their final outcome's status and reason, on the day it was decided. */
  sends_by_day: (d, p) => `WITH ${once(d, p)},
${FINALS}
SELECT journey_id, day, status, reason, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, day, status, reason
ORDER BY journey_id, day, status, reason`,

  /**
   * Per journey and group (a split's variant, `holdout`, or `all` for an enrollment in neither): enrollments,
   * how many reached the goal, the same per customer, and the mean hours from entry to the goal.
   */
  goals: (d, p) => `WITH ${once(d, p)},
enrollments AS (
  SELECT journey_id, enrollment_id, user_id, occurred_at FROM once WHERE kind = 'enrolled'
),
${GROUPS},
goals AS (
  SELECT enrollment_id, min(occurred_at) AS occurred_at FROM once WHERE kind = 'goal_reached' GROUP BY enrollment_id
)
SELECT e.journey_id,
       ${GROUP_OF} AS variant_group,
       count(*) AS entered,
       count(r.enrollment_id) AS reached,
       count(DISTINCT e.user_id) AS customers,
       count(DISTINCT CASE WHEN r.enrollment_id IS NOT NULL THEN e.user_id END) AS customers_reached,
       avg(date_diff('second', ${d.timestamp('e.occurred_at')}, ${d.timestamp('r.occurred_at')})) / 3600.0 AS mean_hours_to_goal
FROM enrollments e
LEFT JOIN groups g ON g.enrollment_id = e.enrollment_id
LEFT JOIN goals r ON r.enrollment_id = e.enrollment_id
GROUP BY e.journey_id, ${GROUP_OF}
ORDER BY e.journey_id, variant_group`,

  /**
   * Per journey and group, counted per customer as core/results/group-results.ts counts: a customer is in the
   * group of their first enrollment; sent if the journey sent them any message; reached if any of their
   * enrollments reached the goal; revenue the sum of their goal events' revenue, each event once.
   */
  customer_groups: (d, p) => `WITH ${once(d, p)},
enrollments AS (
  SELECT journey_id, enrollment_id, user_id, occurred_at, id FROM once WHERE kind = 'enrolled'
),
${GROUPS},
firsts AS (
  SELECT e.journey_id, e.user_id, ${GROUP_OF} AS variant_group,
         row_number() OVER (PARTITION BY e.journey_id, e.user_id ORDER BY e.occurred_at, e.id) AS nth
  FROM enrollments e
  LEFT JOIN groups g ON g.enrollment_id = e.enrollment_id
),
sent AS (SELECT DISTINCT journey_id, user_id FROM once WHERE kind = 'send' AND status = 'SENT'),
reached AS (SELECT DISTINCT journey_id, user_id FROM once WHERE kind = 'goal_reached'),
goal_events AS (
  SELECT DISTINCT journey_id, user_id, detail, revenue FROM once WHERE kind = 'goal_reached' AND revenue IS NOT NULL
),
revenue AS (SELECT journey_id, user_id, sum(revenue) AS revenue FROM goal_events GROUP BY journey_id, user_id)
SELECT f.journey_id, f.variant_group,
       count(*) AS customers,
       count(s.user_id) AS sent,
       count(r.user_id) AS reached,
       sum(v.revenue) AS revenue
FROM firsts f
LEFT JOIN sent s ON s.journey_id = f.journey_id AND s.user_id = f.user_id
LEFT JOIN reached r ON r.journey_id = f.journey_id AND r.user_id = f.user_id
LEFT JOIN revenue v ON v.journey_id = f.journey_id AND v.user_id = f.user_id
WHERE f.nth = 1
GROUP BY f.journey_id, f.variant_group
ORDER BY f.journey_id, f.variant_group`,

  /** Per journey: the currencies its goal revenue is in (amounts in different currencies are not added up). */
  goal_currencies: (d, p) => `WITH ${once(d, p)}
SELECT DISTINCT journey_id, currency
FROM once
WHERE kind = 'goal_reached' AND revenue IS NOT NULL AND currency IS NOT NULL
ORDER BY journey_id, currency`,
} as const satisfies Record<string, Query>;

export type OutcomeQueryName = keyof typeof QUERIES;
export const OUTCOME_QUERIES: readonly OutcomeQueryName[] = [
  'entered',
  'not_entered',
  'steps',
  'moves',
  'exits',
  'sends',
  'holds',
  'feedback',
  'sends_by_day',
  'goals',
  'customer_groups',
  'goal_currencies',
];

/** The text of a query in a dialect, over all the log or a period's cohort. */
export function outcomeQuery(name: OutcomeQueryName, dialect: Dialect, period: Period = ALL_TIME): string {
  checkPeriod(period);
  return QUERIES[name](dialect, period);
}
