import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeFolderSql } from '../../../functions/adapters/duckdb/outcome-sql.ts';
import { OutcomeFiles } from '../../../functions/adapters/files/outcome-files.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';
import { outcomeObserver } from '../../../functions/core/outcomes/observer.ts';
import { ALL_TIME } from '../../../functions/core/outcomes/queries.ts';
import { buildReport } from '../../../functions/core/report/build.ts';
import { formatReport } from '../../../functions/core/report/format.ts';
import { Report } from '../../../functions/core/report/model.ts';
import { journeyResults } from '../../../functions/core/simulate/results.ts';
import type { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { tempDir } from '../../cli/support.ts';
import { SHOWED_UPLIFT_JOURNEY, simulateShowedUplift } from '../../support/showed-uplift.ts';

// The journey that "showed uplift", reported from its outcome log: the SQL's per-customer counts through the
// same statistics must give the results the simulator computed from what it observed.

let folder = '';
let logDir = '';
let simulation: Simulation;
let report: Report;

beforeAll(async () => {
  // Prepare
  logDir = await tempDir();
  const log = new OutcomeFiles({ dir: logDir, name: 'simulate' });
  ({ folder, simulation } = await simulateShowedUplift(outcomeObserver(log)));
  await log.flush();
  const { journeys } = loadJourneySet([{ file: 'cart-offer-test.yaml', text: SHOWED_UPLIFT_JOURNEY }]);
  const sql = await OutcomeFolderSql.open(logDir);
  try {
    report = await buildReport(sql, {
      period: ALL_TIME,
      journeyId: 'cart-offer-test',
      journeys: journeys.map((j) => j.journey),
      source: { engine: 'duckdb', location: 'log' },
    });
  } finally {
    sql.close();
  }
}, 120_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(logDir, { recursive: true, force: true });
});

describe('the report of the journey that "showed uplift"', () => {
  it('gives per customer the results the simulator computed, from the SQL over the log', () => {
    // Act
    const [journey] = report.journeys;

    // Assess
    expect(Report.parse(report)).toEqual(report);
    expect(journey?.results).toEqual(journeyResults(simulation.tally)['cart-offer-test']);
  });

  it('has overlapping intervals, p above 0.05 and a warning that the SMS variant sent nothing', () => {
    // Act
    const results = report.journeys[0]?.results;

    // Assess
    if (!results) throw new Error('no results for cart-offer-test');
    const enrollments = report.journeys[0]?.entered ?? 0;
    const customers = results.groups.reduce((sum, g) => sum + g.customers, 0);
    expect(enrollments).toBeGreaterThan(customers);
    expect(results.baseline).toBe('holdout');
    const holdout = results.groups.find((g) => g.group === 'holdout');
    expect(results.comparisons.map((c) => c.group).sort()).toEqual(['discount', 'plain', 'sms']);
    for (const comparison of results.comparisons) {
      expect(comparison.pValue).toBeGreaterThan(0.05);
      const group = results.groups.find((g) => g.group === comparison.group);
      expect(group?.interval?.low).toBeLessThan(holdout?.interval?.high ?? 0);
      expect(group?.interval?.high).toBeGreaterThan(holdout?.interval?.low ?? 1);
    }
    expect(results.warnings.filter((w) => w.kind === 'sent-nothing').map((w) => w.group)).toEqual(['sms']);
    expect(results.sampleRatio?.mismatch).toBe(false);
  });

  it('counts every step, the SMS step sending nothing for want of consent', () => {
    // Act
    const steps = Object.fromEntries((report.journeys[0]?.steps ?? []).map((s) => [s.stepId, s]));

    // Assess
    const counters = simulation.tally.journeys['cart-offer-test'];
    expect(steps['control-group']?.entered).toBe(counters?.steps['control-group']?.entered);
    expect(steps['send-sms']?.sends.every((s) => s.status !== 'SENT')).toBe(true);
    expect(steps['send-sms']?.sends.reduce((sum, s) => sum + s.messages, 0)).toBeGreaterThan(0);
    expect(steps['send-discount']?.sends.find((s) => s.status === 'SENT')?.channel).toBe('email');
    expect(Object.keys(steps)).toEqual(['control-group', 'offer', 'send-discount', 'send-plain', 'send-sms']);
  });

  it('prints the per-customer figures and the warnings in the terminal table', () => {
    // Act
    const text = formatReport(report).join('\n');

    // Assess
    expect(text).toContain('goal per customer (95% interval):');
    expect(text).toMatch(/ {4}sms +\d+\/\d+ customers \d+\.\d% \(\d+\.\d% to \d+\.\d%\); sent to 0;/);
    expect(text).toContain('warning: sms sent nothing');
    expect(text).toMatch(/send-sms\s+send\s+\d+/);
  });
});
