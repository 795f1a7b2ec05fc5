import type { Dialect } from '../outcomes/queries.ts';

/** A row of a query's result as the engine gives it: Athena gives every value as text, DuckDB typed values. */
export type OutcomeRow = Record<string, string | number | boolean | null>;

/**
 * Runs the SQL of core/outcomes/queries.ts over the outcome log: DuckDB over a local folder
 * (adapters/duckdb/outcome-sql.ts), Athena over the Glue table of an environment (adapters/athena/).
 */
export interface OutcomeSql {
  readonly dialect: Dialect;
  query(sql: string): Promise<OutcomeRow[]>;
}
