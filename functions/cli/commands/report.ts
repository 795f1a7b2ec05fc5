import { stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaOutcomeSql } from '../../adapters/athena/outcome-sql.ts';
import { OutcomeFolderSql } from '../../adapters/duckdb/outcome-sql.ts';
import type { Journey } from '../../core/journeys/schema.ts';
import { checkPeriod, type Period } from '../../core/outcomes/queries.ts';
import type { OutcomeSql } from '../../core/ports/outcome-sql.ts';
import { buildReport } from '../../core/report/build.ts';
import { reportDiagrams } from '../../core/report/diagram.ts';
import { formatReport } from '../../core/report/format.ts';
import { reportHtml } from '../../core/report/html.ts';
import type { Report } from '../../core/report/model.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog } from '../load-catalog.ts';
import { explainAwsError } from '../state-machine-run.ts';

export const reportUsage = `Usage: cairn report (--log DIR | --env ENV) [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--journey ID]
                    [--format table|json] [--html FILE] [--journeys journeys/] [--region REGION]

Reports the outcome log (docs/outcomes.md) per journey and step, and per variant and holdout with 95%
intervals, uplift, p-values, the sample-ratio check and warnings. The figures are the log's SQL, run by
DuckDB on a local folder or by Athena on a deployed environment.
  --log      a folder written by "cairn simulate --log DIR" or "npm start -- --log DIR"
  --env      a deployed environment: Athena in the workgroup cairn-ENV-outcomes over cairn_ENV_outcomes
  --from     only enrollments that began on or after this UTC day (their later goals and exits count)
  --to       only enrollments that began on or before this UTC day
  --journey  only this journey
  --format   table (default) or json (the report's zod schema, core/report/model.ts)
  --html     also write a self-contained HTML page with charts and the journey diagrams to FILE
  --journeys the journey files, for names, step order and the declared split (default journeys/)
  --region   the AWS region of --env (default: the AWS configuration's)`;

const NAME = 'cairn report';

type Source = { sql: OutcomeSql & { close?: () => void }; location: Report['source'] };

async function openSource(values: {
  log?: string | undefined;
  env?: string | undefined;
  region?: string | undefined;
}): Promise<Source> {
  if (values.log !== undefined)
    return {
      sql: await OutcomeFolderSql.open(values.log),
      location: { engine: 'duckdb', location: values.log },
    };
  const env = values.env ?? '';
  if (!/^[a-z0-9-]+$/.test(env))
    throw new Error(`--env "${env}" is not an environment name (a-z, 0-9 and -)`);
  const client = new AthenaClient(values.region === undefined ? {} : { region: values.region });
  const sql = new AthenaOutcomeSql(client, {
    workGroup: `cairn-${env}-outcomes`,
    database: `cairn_${env.replaceAll('-', '_')}_outcomes`,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return { sql, location: { engine: 'athena', location: `cairn-${env}-outcomes` } };
}

/** The journey files: those of --journeys, or of journeys/ when it exists (a report can do without them). */
async function loadJourneys(path: string | undefined, io: CliIo): Promise<Journey[] | undefined> {
  if (path === undefined && !(await stat('journeys').catch(() => undefined))) return [];
  const catalog = await loadCatalog([path ?? 'journeys'], io, 'report');
  return catalog ? [...catalog.latest()].map((j) => j.journey) : undefined;
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      log: { type: 'string' },
      env: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      journey: { type: 'string' },
      format: { type: 'string', default: 'table' },
      html: { type: 'string' },
      journeys: { type: 'string' },
      region: { type: 'string' },
    },
    strict: true,
  });
  if ((values.log === undefined) === (values.env === undefined)) {
    io.stderr(`${NAME}: give one of --log DIR or --env ENV\n\n${reportUsage}`);
    return 2;
  }
  if (values.format !== 'table' && values.format !== 'json') {
    io.stderr(`${NAME}: --format must be table or json, not "${values.format}"`);
    return 2;
  }
  if (values.env !== undefined && !/^[a-z0-9-]+$/.test(values.env)) {
    io.stderr(`${NAME}: --env "${values.env}" is not an environment name (a-z, 0-9 and -)`);
    return 2;
  }
  const period: Period = { from: values.from ?? null, to: values.to ?? null };
  try {
    checkPeriod(period);
  } catch (error) {
    io.stderr(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const journeys = await loadJourneys(values.journeys, io);
  if (!journeys) return 1;
  let source: Source | undefined;
  try {
    source = await openSource(values);
    const report = await buildReport(source.sql, {
      period,
      journeyId: values.journey ?? null,
      journeys,
      source: source.location,
    });
    if (values.format === 'json') io.stdout(JSON.stringify(report, null, 2));
    else for (const line of formatReport(report)) io.stdout(line);
    if (values.html !== undefined) {
      const diagrams = await reportDiagrams(report.journeys, journeys);
      await writeFile(values.html, await reportHtml(report, diagrams));
      io.stderr(`${NAME}: wrote ${values.html}`);
    }
    return 0;
  } catch (error) {
    io.stderr(
      `${NAME}: ${values.env === undefined ? (error instanceof Error ? error.message : String(error)) : explainAwsError(error)}`,
    );
    return 1;
  } finally {
    source?.sql.close?.();
  }
}
