import { OutcomeFolderSql } from '../../functions/adapters/duckdb/outcome-sql.ts';

/**
 * DuckDB over an outcome log folder, made to run the Athena texts of core/outcomes/queries.ts as they are:
 * the Glue database as a schema holding the view `outcomes`, and Athena's one function DuckDB lacks as a macro.
 * Where the dialects agree this runs Athena's very text; where they do not, the golden copies hold it.
 */
export async function athenaOnDuckDb(dir: string, database: string): Promise<OutcomeFolderSql> {
  const sql = await OutcomeFolderSql.open(dir);
  await sql.query(`CREATE SCHEMA ${database}`);
  await sql.query(`CREATE VIEW ${database}.outcomes AS SELECT * FROM main.outcomes`);
  await sql.query('CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)');
  return sql;
}
