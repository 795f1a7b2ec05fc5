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
export type LiveReportOptions = {
  /** The outcome log folder the served stack writes (its `--log DIR`, or a temporary one). */
  dir: string;
  /** Writes the records the stack has queued, so that the page shows every event PutEvents acknowledged. */
  flush: () => Promise<void>;
  /** How many records the stack has written: while it stays the same, so does the report. */
  records: () => number;
  journeys: readonly Journey[];
  /** Where the page says the records come from. */
  location: string;
};

/**
 * The report of the served local stack, as `cairn report --log DIR --html` makes it (the same queries on
 * DuckDB, core/report/build.ts, the same page, core/report/html.ts), refreshed by the browser every few
 * seconds. Each request writes the records the stack has queued; the page is made again only when there are
 * new ones, one request at a time, so that tabs left open cost the stack nothing while nothing happens.
 * Answers as a function URL does, for the endpoint's mounts (local/endpoint.ts).
 */
export function liveReport(options: LiveReportOptions): () => Promise<unknown> {
  let last: { records: number; page: string } | undefined;
  const current = async (): Promise<string> => {
    await options.flush();
    const records = options.records();
    if (last?.records === records) return last.page;
    last = { records, page: await livePage(options) };
    return last.page;
  };
  let queue: Promise<unknown> = Promise.resolve();
  return () => {
    const page = queue.then(current);
    queue = page.catch(() => undefined);
    return page.then(
      (html) => answer(200, html),
      (error: unknown) =>
        answer(
          503,
          `The report could not be made: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
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
