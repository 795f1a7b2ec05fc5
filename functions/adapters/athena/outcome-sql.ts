import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { athena, type Dialect } from '../../core/outcomes/queries.ts';
import type { OutcomeRow, OutcomeSql } from '../../core/ports/outcome-sql.ts';

export type AthenaOutcomeSqlOptions = {
  /** The environment's workgroup (`cairn-<env>-outcomes`): it holds the results' place and encryption. */
  workGroup: string;
  /** The Glue database of the outcome table (`cairn_<env>_outcomes`). */
  database: string;
  sleep: (ms: number) => Promise<void>;
  /** How long a query may run before it is given up (the workgroup's scan cutoff stops runaway ones). */
  timeoutMs?: number;
};

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 4_000;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * The outcome log's SQL on Athena, over the Glue table of an environment (infra/lib/outcome-log.ts): starts the
 * query in the workgroup, polls its state with a doubling wait, and reads the results page by page. Athena gives
 * every value as text (no value for NULL); the report parses them (core/report/rows.ts).
 */
export class AthenaOutcomeSql implements OutcomeSql {
  readonly dialect: Dialect;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaOutcomeSqlOptions,
  ) {
    this.dialect = athena(options.database);
  }

  async query(sql: string): Promise<OutcomeRow[]> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database },
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error('Athena started no query (no QueryExecutionId)');
    await this.finished(id);
    return this.results(id);
  }

  private async finished(id: string): Promise<void> {
    const deadline = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let waited = 0;
    let wait = FIRST_POLL_MS;
    for (;;) {
      const { QueryExecution: execution } = await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED')
        throw new Error(
          `Athena query ${id} ${state.toLowerCase()}: ${execution?.Status?.StateChangeReason ?? 'no reason given'}`,
        );
      if (waited >= deadline)
        throw new Error(
          `Athena query ${id} still ${state ?? 'unknown'} after ${Math.round(waited / 1000)} s`,
        );
      await this.options.sleep(wait);
      waited += wait;
      wait = Math.min(MAX_POLL_MS, wait * 2);
    }
  }

  private async results(id: string): Promise<OutcomeRow[]> {
    const rows: OutcomeRow[] = [];
    let token: string | undefined;
    let columns: string[] | undefined;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, ...(token ? { NextToken: token } : {}) }),
      );
      const first = columns === undefined;
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
      const data = page.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const row of first ? data.slice(1) : data) {
        const values = row.Data ?? [];
        rows.push(Object.fromEntries(columns.map((name, i) => [name, values[i]?.VarCharValue ?? null])));
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }
}
