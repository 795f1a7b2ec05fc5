import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeFolderSql } from '../../functions/adapters/duckdb/outcome-sql.ts';
import { OutcomeFiles } from '../../functions/adapters/files/outcome-files.ts';
import { main } from '../../functions/cli/main.ts';
import { Report } from '../../functions/core/report/model.ts';
import { athenaOnDuckDb } from '../support/athena-on-duckdb.ts';
import { throughLocalStack } from '../support/machines.ts';
import { memoryIo, tempDir } from './support.ts';

// `cairn report` over the logs of one event file, written by the simulator (`cairn simulate --log`) and by the
// local stack (`npm start -- --log`), and read through Athena's texts: the same figures every way.

const EVENTS = 'journeys/events/sample.ndjson';
let dir = '';
let simulated = '';
let local = '';

async function report(...args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(['report', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const withoutSource = (json: string) => ({ ...Report.parse(JSON.parse(json)), source: null });

beforeAll(async () => {
  dir = await tempDir();
  simulated = join(dir, 'simulated');
  local = join(dir, 'local');
  const { io } = memoryIo();
  expect(await main(['simulate', '--events', EVENTS, '--log', simulated], io)).toBe(0);
  const files = new OutcomeFiles({ dir: local, name: 'local' });
  await throughLocalStack(await readFile(EVENTS, 'utf8'), { daysAfter: 30, outcomes: files });
  await files.flush();
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cairn report', () => {
  it("gives the same figures from the simulator's log and the local stack's log of one event file", async () => {
    // Act
    const fromSimulator = await report('--log', simulated, '--format', 'json');
    const fromLocal = await report('--log', local, '--format', 'json');

    // Assess
    expect(fromSimulator.code).toBe(0);
    expect(fromLocal.code).toBe(0);
    const figures = withoutSource(fromSimulator.out);
    expect(withoutSource(fromLocal.out)).toEqual(figures);
    const welcome = figures.journeys.find((j) => j.journeyId === 'welcome-series');
    expect(welcome?.entered).toBeGreaterThan(0);
    expect(welcome?.steps[0]?.sends.some((s) => s.status === 'SENT')).toBe(true);
  });

  it('gives the same figures through Athena, its texts run where the dialects agree', async () => {
    // Prepare: Athena answers each query by running its text on DuckDB, every value as text, 1,000 rows a page.
    const athena = mockClient(AthenaClient);
    const duck: OutcomeFolderSql = await athenaOnDuckDb(simulated, 'cairn_prod_outcomes');
    const texts = new Map<string, string>();
    const started: { workGroup: string | undefined; database: string | undefined }[] = [];
    athena.on(StartQueryExecutionCommand).callsFake((input) => {
      const id = `q${texts.size}`;
      texts.set(id, input.QueryString);
      started.push({ workGroup: input.WorkGroup, database: input.QueryExecutionContext?.Database });
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).callsFake(async (input) => {
      const rows = await duck.query(texts.get(input.QueryExecutionId) ?? '');
      const columns = Object.keys(rows[0] ?? {});
      const asText = (row: Record<string, unknown>) => ({
        Data: columns.map((c) => (row[c] === null ? {} : { VarCharValue: String(row[c]) })),
      });
      const start = Number(input.NextToken ?? 0);
      const page = rows.slice(start, start + 1000).map(asText);
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
          Rows: start === 0 ? [{ Data: columns.map((c) => ({ VarCharValue: c })) }, ...page] : page,
        },
        ...(start + 1000 < rows.length ? { NextToken: String(start + 1000) } : {}),
      };
    });

    try {
      // Act
      const fromAthena = await report('--env', 'prod', '--region', 'eu-west-1', '--format', 'json');
      const fromFolder = await report('--log', simulated, '--format', 'json');

      // Assess
      expect(fromAthena.err).toBe('');
      expect(withoutSource(fromAthena.out)).toEqual(withoutSource(fromFolder.out));
      expect(Report.parse(JSON.parse(fromAthena.out)).source).toEqual({
        engine: 'athena',
        location: 'cairn-prod-outcomes',
      });
      expect(started.length).toBeGreaterThan(5);
      for (const s of started)
        expect(s).toEqual({ workGroup: 'cairn-prod-outcomes', database: 'cairn_prod_outcomes' });
      expect([...texts.values()].every((t) => t.includes('"cairn_prod_outcomes"."outcomes"'))).toBe(true);
    } finally {
      duck.close();
      athena.restore();
    }
  });

  it('prints tables per journey and step, and writes the HTML page with --html', async () => {
    // Prepare
    const html = join(dir, 'report.html');

    // Act
    const { code, out, err } = await report(
      '--log',
      simulated,
      '--journey',
      'welcome-series',
      '--html',
      html,
    );

    // Assess
    expect(code).toBe(0);
    expect(out).toContain('welcome-series (Welcome series)');
    expect(out).toMatch(/step\s+type\s+entered\s+active\s+exited\s+sent/);
    expect(out).not.toContain('cart-abandonment');
    expect(err).toBe(`cairn report: wrote ${html}`);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|src="http|href="http|@import|url\(http/);
  });

  it("draws each journey's diagram with the report's counts, and a note for a journey no file holds", async () => {
    // Prepare: the journeys folder holds welcome-series only; the log has every sample journey.
    const html = join(dir, 'diagrams.html');
    const only = join(dir, 'only-welcome');
    await mkdir(only, { recursive: true });
    await copyFile('journeys/welcome-series.yaml', join(only, 'welcome-series.yaml'));
    const { out: json } = await report('--log', simulated, '--format', 'json');
    const figures = Report.parse(JSON.parse(json));
    const welcome = figures.journeys.find((j) => j.journeyId === 'welcome-series');
    if (!welcome) throw new Error('no welcome-series in the report');

    // Act
    const { code, err } = await report('--log', simulated, '--journeys', only, '--html', html);

    // Assess
    expect(code, err).toBe(0);
    const page = await readFile(html, 'utf8');
    const diagrams = [...page.matchAll(/<figure class="diagram">([\s\S]*?)<\/figure>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(diagrams).toHaveLength(1);
    const diagram = diagrams[0] ?? '';
    expect(diagram).toMatch(/^<svg /);
    expect(diagram).toContain(`entered ${welcome.entered}`);
    for (const step of welcome.steps)
      expect(diagram).toContain(`entered ${step.entered} · active ${step.active}`);
    const first = welcome.moves.find((m) => m.from === null);
    expect(diagram).toContain(`>${first?.moves}</text>`);
    const others = figures.journeys.filter((j) => j.journeyId !== 'welcome-series');
    expect(others.length).toBeGreaterThan(0);
    for (const other of others)
      expect(page).toContain(`No diagram: the journeys folder has no journey ${other.journeyId}.`);
  });

  it('counts a period as the cohort of enrollments that began in it', async () => {
    // Act
    const all = Report.parse(JSON.parse((await report('--log', simulated, '--format', 'json')).out));
    const none = Report.parse(
      JSON.parse((await report('--log', simulated, '--format', 'json', '--from', '2030-01-01')).out),
    );

    // Assess
    expect(all.journeys.reduce((sum, j) => sum + j.entered, 0)).toBeGreaterThan(0);
    expect(none.journeys).toEqual([]);
    expect(none.period).toEqual({ from: '2030-01-01', to: null });
  });
});

describe('cairn report refuses, in one line and with no stack trace,', () => {
  it.each([
    [
      ['--log', '/nonexistent/outcomes'],
      1,
      'cairn report: cannot read the outcome log folder /nonexistent/outcomes: ENOENT',
    ],
    [['--log', 'EMPTY'], 1, 'cairn report: no outcome records under EMPTY (no dt=YYYY-MM-DD folder)'],
    [
      ['--log', 'SIMULATED', '--journey', 'nope'],
      1,
      'cairn report: no journey "nope" in the log nor in the journey files (the log has: ',
    ],
    [
      ['--log', 'SIMULATED', '--from', '2026-02-30'],
      2,
      'cairn report: --from must be a day as YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      ['--log', 'SIMULATED', '--to', 'yesterday'],
      2,
      'cairn report: --to must be a day as YYYY-MM-DD, got "yesterday"',
    ],
    [
      ['--log', 'SIMULATED', '--from', '2026-12-01', '--to', '2026-11-01'],
      2,
      'cairn report: --from 2026-12-01 is after --to 2026-11-01',
    ],
    [['--log', 'SIMULATED', '--format', 'xml'], 2, 'cairn report: --format must be table or json, not "xml"'],
    [[], 2, 'cairn report: give one of --log DIR or --env ENV'],
    [['--log', 'SIMULATED', '--env', 'prod'], 2, 'cairn report: give one of --log DIR or --env ENV'],
    [['--env', 'Prod!'], 2, 'cairn report: --env "Prod!" is not an environment name'],
  ])('%j', async (args, expectedCode, message) => {
    // Prepare
    const empty = await tempDir();
    const resolved = args.map((a) => (a === 'EMPTY' ? empty : a === 'SIMULATED' ? simulated : a));
    const expected = message.replace('EMPTY', empty);

    // Act
    const { code, out, err } = await report(...resolved);

    // Assess
    expect(code).toBe(expectedCode);
    expect(out).toBe('');
    expect(err.startsWith(expected)).toBe(true);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a log whose lines are not records, naming the folder', async () => {
    // Prepare
    const broken = await tempDir();
    await writeFile(join(broken, 'x'), '');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(broken, 'dt=2026-11-01'));
    await writeFile(join(broken, 'dt=2026-11-01', 'local.ndjson'), 'not json\n');

    // Act
    const { code, err } = await report('--log', broken);

    // Assess
    expect(code).toBe(1);
    expect(err).toContain(`cairn report: cannot read the outcome log under ${broken}:`);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
