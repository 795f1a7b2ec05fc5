import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DUCKDB } from '../../core/outcomes/queries.ts';
import { OUTCOME_COLUMNS, outcomeColumnType } from '../../core/outcomes/record.ts';

export type OutcomeRow = Record<string, string | number | boolean | null>;

const DUCKDB_TYPES = { int: 'INTEGER', double: 'DOUBLE', string: 'VARCHAR' } as const;
/** Every column as the Glue table declares it (infra/lib/outcome-log.ts). */
const COLUMNS = `{${OUTCOME_COLUMNS.map((c) => `${c}: '${DUCKDB_TYPES[outcomeColumnType(c)]}'`).join(', ')}}`;

/**
 * SQL over an outcome log folder (adapters/files/outcome-files.ts) with DuckDB, embedded: the folder's
 * `dt=YYYY-MM-DD/*.ndjson` files become the view `outcomes` (with `dt` as a column, as Athena's partition
 * is), and the SQL of core/outcomes/queries.ts runs on it as it runs on Athena.
 */
export async function queryOutcomeFolder(dir: string, sql: string): Promise<OutcomeRow[]> {
  const days = await readdir(dir).catch((error: unknown) => {
    throw new Error(
      `cannot read the outcome log folder ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  if (!days.some((d) => d.startsWith('dt=')))
    throw new Error(`no outcome records under ${dir} (no dt=YYYY-MM-DD folder)`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const files = join(dir, 'dt=*', '*.ndjson').replaceAll("'", "''");
    await connection.run(
      `CREATE VIEW ${DUCKDB.table} AS SELECT * FROM read_json('${files}', format = 'newline_delimited', columns = ${COLUMNS}, hive_partitioning = true)`,
    );
    const reader = await connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJS()
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A DuckDB value as JSON has it: counts (BIGINT) as numbers, decimals as numbers. */
function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}
