import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type Dialect, DUCKDB } from '../../core/outcomes/queries.ts';
import { outcomeColumns, outcomeColumnType } from '../../core/outcomes/record.ts';
import type { OutcomeRow, OutcomeSql } from '../../core/ports/outcome-sql.ts';

const DUCKDB_TYPES = { int: 'INTEGER', double: 'DOUBLE', string: 'VARCHAR' } as const;
/** Every column as the Glue table declares it (infra/lib/outcome-log.ts); `dt` text, as Athena's partition is. */
const COLUMNS = `{${outcomeColumns()
  .map((c) => `${c}: '${DUCKDB_TYPES[outcomeColumnType(c)]}'`)
  .join(', ')}}`;

async function checkFolder(dir: string): Promise<void> {
  const days = await readdir(dir).catch((error: unknown) => {
    throw new Error(
      `cannot read the outcome log folder ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  if (!days.some((d) => d.startsWith('dt=')))
    throw new Error(`no outcome records under ${dir} (no dt=YYYY-MM-DD folder)`);
}

const readFolder = (dir: string) =>
  `read_json('${join(dir, 'dt=*', '*.ndjson').replaceAll("'", "''")}', format = 'newline_delimited', ` +
  `columns = ${COLUMNS}, hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`;

/**
 * SQL over an outcome log folder (adapters/files/outcome-files.ts) with DuckDB, embedded: the folder's
 * `dt=YYYY-MM-DD/*.ndjson` files become the relation `outcomes` (with `dt` as a column, as Athena's partition
 * is), and the SQL of core/outcomes/queries.ts runs on it as it runs on Athena. `open` reads the files once
 * into a table, for a report's many queries; `queryOutcomeFolder` reads them for one.
 */
export class OutcomeFolderSql implements OutcomeSql {
  readonly dialect: Dialect = DUCKDB;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(dir: string, how: 'table' | 'view' = 'table'): Promise<OutcomeFolderSql> {
    await checkFolder(dir);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const sql = new OutcomeFolderSql(instance, connection);
    try {
      await connection.run(`CREATE ${how.toUpperCase()} ${DUCKDB.table} AS SELECT * FROM ${readFolder(dir)}`);
    } catch (error) {
      sql.close();
      throw new Error(
        `cannot read the outcome log under ${dir}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return sql;
  }

  /** One query at a time on the connection: a report asks for several at once. */
  private queue: Promise<unknown> = Promise.resolve();

  query(sql: string): Promise<OutcomeRow[]> {
    const answer = this.queue.then(() => this.run(sql));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async run(sql: string): Promise<OutcomeRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJS()
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** One query over a folder: its files read as a view, for that query alone. */
export async function queryOutcomeFolder(dir: string, sql: string): Promise<OutcomeRow[]> {
  const folder = await OutcomeFolderSql.open(dir, 'view');
  try {
    return await folder.query(sql);
  } finally {
    folder.close();
  }
}

/** A DuckDB value as JSON has it: counts (BIGINT) as numbers, decimals as numbers. */
function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}
