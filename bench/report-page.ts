// What the report's page costs, in parts: the log read and the report built (DuckDB), the journeys' diagrams
// (Graphviz in WebAssembly) and the page with its charts (Vega), over the sample events' simulation log; the
// live report of `npm start -- --serve` makes this page when new records came (docs/benchmarks.md).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutcomeFolderSql } from '../functions/adapters/duckdb/outcome-sql.ts';
import { loadCatalog } from '../functions/cli/load-catalog.ts';
import { buildReport } from '../functions/core/report/build.ts';
import { reportDiagrams } from '../functions/core/report/diagram.ts';
import { reportHtml } from '../functions/core/report/html.ts';

const ms = (n: number) => `${n.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function reportPageParts(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-page-'));
  try {
    const log = join(dir, 'log');
    execFileSync(
      process.execPath,
      ['bin/cairn.mjs', 'simulate', '--events', 'journeys/events/sample.ndjson', '--log', log],
      { stdio: 'ignore' },
    );
    const io = {
      stdout: console.log,
      stderr: console.error,
      readFile: (path: string) => readFile(path, 'utf8'),
    };
    const catalog = await loadCatalog(['journeys'], io, 'bench');
    if (!catalog) throw new Error('the sample journeys do not load');
    const journeys = [...catalog.latest()].map((j) => j.journey);
    const parts = { report: [] as number[], diagrams: [] as number[], page: [] as number[] };
    let first = 0;
    for (let round = 0; round < 6; round++) {
      const t0 = performance.now();
      const sql = await OutcomeFolderSql.open(log);
      const period = { from: null, to: null };
      const source = { engine: 'duckdb' as const, location: log };
      const report = await buildReport(sql, { period, journeyId: null, journeys, source });
      if (report.journeys.length === 0) throw new Error('the sample simulation wrote no records');
      sql.close();
      const t1 = performance.now();
      const diagrams = await reportDiagrams(report.journeys, journeys);
      const t2 = performance.now();
      await reportHtml(report, diagrams, { refreshSeconds: 3 });
      const t3 = performance.now();
      if (round === 0) first = t2 - t1;
      else {
        parts.report.push(t1 - t0);
        parts.diagrams.push(t2 - t1);
        parts.page.push(t3 - t2);
      }
    }
    console.log(
      `report page: sample simulation log, median of 5 after a first run: report ${ms(median(parts.report))}, diagrams ${ms(median(parts.diagrams))} (first run ${ms(first)}), tables and charts ${ms(median(parts.page))}; ${journeys.length} journeys`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
