import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryOutcomeFolder } from '../../../functions/adapters/duckdb/outcome-sql.ts';
import { OutcomeFiles } from '../../../functions/adapters/files/outcome-files.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import {
  ALL_TIME,
  athena,
  DUCKDB,
  OUTCOME_QUERIES,
  outcomeQuery,
} from '../../../functions/core/outcomes/queries.ts';
import type { RunResult } from '../../../functions/core/simulate/result.ts';
import { athenaOnDuckDb } from '../../support/athena-on-duckdb.ts';
import { throughSimulator } from '../../support/machines.ts';

// The SQL of the outcome log, run by DuckDB on the files a simulation wrote, must count what the simulator's
// Tally counted from the same observations: two readings of one source that have to agree.

const PERIOD = { from: '2026-02-01', to: '2026-02-28' };

let dir: string;
let result: RunResult;

beforeAll(async () => {
  // Prepare: enough customers and days for the win-back journey (holdout, split, goal) to see at-risk ones.
  const events = [...generateEvents({ users: 60, days: 100, seed: 7, start: '2026-01-01' })];
  dir = await mkdtemp(join(tmpdir(), 'cairn-outcomes-'));
  // A small buffer, so that the run writes in several batches and appends to the day files.
  const log = new OutcomeFiles({ dir, name: 'simulate', bufferRecords: 200 });
  result = await throughSimulator(events.map((e) => JSON.stringify(e)).join('\n'), {
    daysAfter: 30,
    outcomes: log,
  });
  await log.flush();
}, 120_000);

describe('outcome queries on DuckDB', () => {
  it('counts the enrollments of each journey as the Tally does', async () => {
    // Act
    const rows = await queryOutcomeFolder(dir, outcomeQuery('entered', DUCKDB));

    // Assess
    const expected = Object.entries(result.journeys)
      .filter(([, counters]) => counters.entered > 0)
      .map(([journeyId, counters]) => ({
        journey_id: journeyId,
        entered: counters.entered,
        customers: new Set(result.enrollments.filter((e) => e.journeyId === journeyId).map((e) => e.userId))
          .size,
      }))
      .sort((a, b) => a.journey_id.localeCompare(b.journey_id));
    expect(expected.length).toBeGreaterThan(3);
    expect(rows).toEqual(expected);
  });

  it("counts each message's final outcome by status, reason and channel as the Tally does", async () => {
    // Act
    const rows = await queryOutcomeFolder(dir, outcomeQuery('sends', DUCKDB));

    // Assess
    const fromSql: Record<string, Record<string, number>> = {};
    for (const row of rows) {
      const journey = fromSql[String(row.journey_id)] ?? {};
      fromSql[String(row.journey_id)] = journey;
      const key = `${row.status}:${row.reason}`;
      journey[key] = (journey[key] ?? 0) + Number(row.messages);
    }
    const fromTally = Object.fromEntries(
      Object.entries(result.journeys)
        .filter(([, counters]) => Object.keys(counters.outcomes).length > 0)
        .map(([id, counters]) => [id, counters.outcomes]),
    );
    expect(fromSql).toEqual(fromTally);
    const sentByChannel: Record<string, number> = {};
    for (const message of result.messages)
      if (message.status === 'SENT' && message.channel)
        sentByChannel[message.channel] = (sentByChannel[message.channel] ?? 0) + 1;
    const sqlSent: Record<string, number> = {};
    for (const row of rows.filter((r) => r.status === 'SENT'))
      sqlSent[String(row.channel)] = (sqlSent[String(row.channel)] ?? 0) + Number(row.messages);
    expect(sqlSent).toEqual(sentByChannel);
  });

  it('counts the goal per variant and holdout group, per enrollment and per customer, as the Tally does', async () => {
    // Act
    const rows = await queryOutcomeFolder(dir, outcomeQuery('goals', DUCKDB));

    // Assess
    const groups = rows.filter((r) => r.journey_id === 'win-back').map((r) => r.variant_group);
    expect(groups).toEqual(expect.arrayContaining(['percent-off', 'free-shipping']));
    for (const [journeyId, counters] of Object.entries(result.journeys)) {
      const fromSql = Object.fromEntries(
        rows
          .filter((r) => r.journey_id === journeyId)
          .map((r) => [r.variant_group, { entered: r.entered, reached: r.reached }]),
      );
      expect(fromSql, journeyId).toEqual(counters.goalByGroup);
    }
    for (const row of rows) {
      const enrollments = result.enrollments.filter(
        (e) =>
          e.journeyId === row.journey_id &&
          (e.holdout ? 'holdout' : (e.variant ?? 'all')) === row.variant_group,
      );
      const reached = enrollments.filter((e) => e.goalReachedAt !== null);
      expect(row.customers).toBe(new Set(enrollments.map((e) => e.userId)).size);
      expect(row.customers_reached).toBe(new Set(reached.map((e) => e.userId)).size);
      const hours = reached.map(
        (e) => (Date.parse(e.goalReachedAt ?? '') - Date.parse(e.enteredAt)) / 3_600_000,
      );
      if (hours.length === 0) expect(row.mean_hours_to_goal).toBeNull();
      else expect(row.mean_hours_to_goal).toBeCloseTo(hours.reduce((a, b) => a + b, 0) / hours.length, 6);
    }
  });

  it("counts a period's cohort: the enrollments that began in it, with their goals reached after it", async () => {
    // Act
    const entered = await queryOutcomeFolder(dir, outcomeQuery('entered', DUCKDB, PERIOD));
    const goals = await queryOutcomeFolder(dir, outcomeQuery('goals', DUCKDB, PERIOD));

    // Assess
    const cohort = result.enrollments.filter(
      (e) => e.enteredAt.slice(0, 10) >= '2026-02-01' && e.enteredAt.slice(0, 10) <= '2026-02-28',
    );
    const total = (rows: typeof entered, column: string) =>
      rows.reduce((sum, r) => sum + Number(r[column]), 0);
    expect(cohort.length).toBeGreaterThan(20);
    expect(total(entered, 'entered')).toBe(cohort.length);
    expect(total(goals, 'reached')).toBe(cohort.filter((e) => e.goalReachedAt !== null).length);
  });

  it('reads the day partition of each record as a column, as Athena reads the S3 prefix', async () => {
    // Act
    const rows = await queryOutcomeFolder(
      dir,
      'SELECT count(*) AS wrong FROM outcomes WHERE CAST(dt AS VARCHAR) <> substr(occurred_at, 1, 10)',
    );

    // Assess
    expect(rows).toEqual([{ wrong: 0 }]);
  });

  it('says which folder holds no records, instead of failing in SQL', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'cairn-outcomes-empty-'));

    // Act / Assess
    await expect(queryOutcomeFolder(empty, outcomeQuery('entered', DUCKDB))).rejects.toThrow(
      `no outcome records under ${empty}`,
    );
  });
});

describe('outcome queries on Athena', () => {
  it('differ from the DuckDB texts only in the table and the timestamp function', () => {
    for (const name of OUTCOME_QUERIES) {
      // Act
      const athenaText = outcomeQuery(name, athena('cairn_prod_outcomes'), PERIOD);
      const duckText = outcomeQuery(name, DUCKDB, PERIOD);

      // Assess
      const normalised = athenaText
        .replaceAll('"cairn_prod_outcomes"."outcomes"', 'outcomes')
        .replace(/from_iso8601_timestamp\(([a-z_.]+)\)/g, 'CAST($1 AS TIMESTAMPTZ)');
      expect(normalised, name).toBe(duckText);
    }
  });

  it('are these texts (golden copies: a change to a query shows here)', async () => {
    // Act
    const prod = athena('cairn_prod_outcomes');
    const texts = [
      ...OUTCOME_QUERIES.map((name) => `-- ${name}\n${outcomeQuery(name, prod)};\n`),
      `-- entered from 2026-02-01 to 2026-02-28\n${outcomeQuery('entered', prod, PERIOD)};\n`,
      `-- sends from 2026-02-01\n${outcomeQuery('sends', prod, { from: '2026-02-01', to: null })};\n`,
    ].join('\n');

    // Assess
    expect(texts).toBe(await readFile('test/core/outcomes/athena-queries.golden.sql', 'utf8'));
  });

  it("run on DuckDB as they are, where the dialects agree, and give the DuckDB texts' rows", async () => {
    // Prepare: the Glue database as a schema, and Athena's one function that DuckDB lacks as a macro.
    const sql = await athenaOnDuckDb(dir, 'cairn_prod_outcomes');
    try {
      for (const period of [ALL_TIME, PERIOD, { from: '2026-03-01', to: null }])
        for (const name of OUTCOME_QUERIES) {
          // Act
          const fromAthenaText = await sql.query(outcomeQuery(name, athena('cairn_prod_outcomes'), period));
          const fromDuckText = await sql.query(outcomeQuery(name, DUCKDB, period));

          // Assess
          expect(fromAthenaText, name).toEqual(fromDuckText);
          if (name === 'entered') expect(fromDuckText.length).toBeGreaterThan(2);
        }
    } finally {
      sql.close();
    }
  });

  it('refuses a day that is not YYYY-MM-DD, and a period that ends before it starts, naming the option', () => {
    expect(() => outcomeQuery('entered', DUCKDB, { from: '2026-13-45', to: null })).toThrow(
      '--from must be a day as YYYY-MM-DD, got "2026-13-45"',
    );
    expect(() => outcomeQuery('entered', DUCKDB, { from: null, to: "2026-01-01' OR 1=1" })).toThrow(
      '--to must be a day as YYYY-MM-DD',
    );
    expect(() => outcomeQuery('entered', DUCKDB, { from: '2026-03-01', to: '2026-02-01' })).toThrow(
      '--from 2026-03-01 is after --to 2026-02-01',
    );
  });

  it('refuses a database name that is not a Glue name, since it is written into the SQL', () => {
    expect(() => athena('prod"; DROP TABLE x; --')).toThrow(
      'not a Glue database name: "prod"; DROP TABLE x; --"',
    );
  });
});
