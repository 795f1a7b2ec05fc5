import { readdir } from 'node:fs/promises';
import { OutcomeFolderSql } from '../adapters/duckdb/outcome-sql.ts';
import type { Journey } from '../core/journeys/schema.ts';
import { buildReport } from '../core/report/build.ts';
import { reportDiagrams } from '../core/report/diagram.ts';
import { reportHtml } from '../core/report/html.ts';
import type { Report } from '../core/report/model.ts';

/** The path of the live report on the served stack's endpoint. */
export const LIVE_REPORT_PATH = '/report';
/** How often the page asks for itself again. */
export const LIVE_REPORT_REFRESH_SECONDS = 3;
/** How long a computed page is served as it is: a refresh from several tabs reads the log once. */
const CACHE_MS = 1_000;

export type LiveReportOptions = {
  /** The outcome log folder the served stack writes (its `--log DIR`, or a temporary one). */
  dir: string;
  /** Writes the records the stack has queued, so that the page shows every event PutEvents acknowledged. */
  flush: () => Promise<void>;
  journeys: readonly Journey[];
  /** Where the page says the records come from. */
  location: string;
};

/**
 * The report of the served local stack, as `cairn report --log DIR --html` makes it (the same queries on
 * DuckDB, core/report/build.ts, the same page, core/report/html.ts), recomputed when asked, at most once per
 * second, and refreshed by the browser every few seconds. Answers as a function URL does, for the endpoint's
 * mounts (local/endpoint.ts).
 */
export function liveReport(options: LiveReportOptions): () => Promise<unknown> {
  let cached: { at: number; page: Promise<string> } | undefined;
  return async () => {
    if (!cached || Date.now() - cached.at > CACHE_MS) cached = { at: Date.now(), page: livePage(options) };
    const page = cached.page;
    try {
      return answer(200, await page);
    } catch (error) {
      if (cached.page === page) cached = undefined;
      return answer(
        503,
        `The report could not be made: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}

function answer(statusCode: number, body: string) {
  const type = statusCode === 200 ? 'text/html' : 'text/plain';
  return {
    statusCode,
    headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' },
    body,
  };
}

async function livePage(options: LiveReportOptions): Promise<string> {
  await options.flush();
  // A write of the stack's may land while DuckDB reads the folder, and leave it half a line: read once more.
  const report = await readReport(options).catch(async () => {
    await options.flush();
    return readReport(options);
  });
  return reportHtml(report, await reportDiagrams(report.journeys, options.journeys), {
    refreshSeconds: LIVE_REPORT_REFRESH_SECONDS,
  });
}

async function readReport(options: LiveReportOptions): Promise<Report> {
  const source: Report['source'] = { engine: 'duckdb', location: options.location };
  const period = { from: null, to: null };
  // Before the first record there is no day folder yet: a report of nothing, not an error.
  const days = await readdir(options.dir).catch(() => []);
  if (!days.some((d) => d.startsWith('dt='))) return { version: 1, source, period, journeys: [] };
  const sql = await OutcomeFolderSql.open(options.dir);
  try {
    return await buildReport(sql, { period, journeyId: null, journeys: options.journeys, source });
  } finally {
    sql.close();
  }
}
