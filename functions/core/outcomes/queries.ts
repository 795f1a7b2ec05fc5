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
 * Each record once: a batch that Firehose or a writer retried may have stored a record twice, with its id
 * (core/outcomes/record.ts), and identical rows are one.
 */
const once = (d: Dialect) => `once AS (SELECT DISTINCT * FROM ${d.table})`;

const QUERIES = {
  /** Per journey: how many enrollments began, and for how many customers. */
  entered: (d: Dialect) => `WITH ${once(d)}
SELECT journey_id,
       count(DISTINCT enrollment_id) AS entered,
       count(DISTINCT user_id) AS customers
FROM once
WHERE kind = 'enrolled'
GROUP BY journey_id
ORDER BY journey_id`,

  /**
   * Per journey: each message's final outcome (its last send record: a held send has one per hold) by status,
   * reason and channel.
   */
  sends: (d: Dialect) => `WITH ${once(d)},
finals AS (
  SELECT journey_id, status, reason, channel,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)
SELECT journey_id, status, reason, coalesce(channel, '-') AS channel, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, status, reason, coalesce(channel, '-')
ORDER BY journey_id, status, reason, channel`,

  /**
   * Per journey and group (a split's variant, `holdout`, or `all` for an enrollment in neither): enrollments,
   * how many reached the goal, the same per customer, and the mean hours from entry to the goal.
   */
  goals: (d: Dialect) => `WITH ${once(d)},
enrollments AS (
  SELECT journey_id, enrollment_id, user_id, occurred_at FROM once WHERE kind = 'enrolled'
),
groups AS (
  SELECT enrollment_id,
         max(CASE WHEN variant_group = 'holdout' THEN 1 ELSE 0 END) AS held_out,
         max(CASE WHEN variant_group <> 'holdout' THEN variant_group END) AS variant
  FROM once
  WHERE kind = 'grouped'
  GROUP BY enrollment_id
),
goals AS (
  SELECT enrollment_id, min(occurred_at) AS occurred_at FROM once WHERE kind = 'goal_reached' GROUP BY enrollment_id
)
SELECT e.journey_id,
       CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END AS variant_group,
       count(*) AS entered,
       count(r.enrollment_id) AS reached,
       count(DISTINCT e.user_id) AS customers,
       count(DISTINCT CASE WHEN r.enrollment_id IS NOT NULL THEN e.user_id END) AS customers_reached,
       avg(date_diff('second', ${d.timestamp('e.occurred_at')}, ${d.timestamp('r.occurred_at')})) / 3600.0 AS mean_hours_to_goal
FROM enrollments e
LEFT JOIN groups g ON g.enrollment_id = e.enrollment_id
LEFT JOIN goals r ON r.enrollment_id = e.enrollment_id
GROUP BY e.journey_id, CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END
ORDER BY e.journey_id, variant_group`,
} as const satisfies Record<string, (dialect: Dialect) => string>;

export type OutcomeQueryName = keyof typeof QUERIES;
export const OUTCOME_QUERIES: readonly OutcomeQueryName[] = ['entered', 'sends', 'goals'];

/** The text of a query in a dialect. */
export function outcomeQuery(name: OutcomeQueryName, dialect: Dialect): string {
  return QUERIES[name](dialect);
}
