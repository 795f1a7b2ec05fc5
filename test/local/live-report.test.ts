import { readFile, rm } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OutcomeFiles } from '../../functions/adapters/files/outcome-files.ts';
import { OutcomeRecord, outcomeColumns } from '../../functions/core/outcomes/record.ts';
import { liveReport } from '../../functions/local/live-report.ts';
import { tempDir } from '../cli/support.ts';
import { journeyFromYaml } from '../support/journeys.ts';

/** A record of welcome-series; every column it does not name is null. */
const record = (n: number, kind: OutcomeRecord['kind'], step: string | null): OutcomeRecord =>
  OutcomeRecord.parse({
    ...Object.fromEntries(outcomeColumns().map((column) => [column, null])),
    v: 1,
    id: `evt_${n}#0`,
    kind,
    occurred_at: '2026-12-06T08:00:00.000Z',
    user_id: `usr_${n}`,
    journey_id: 'welcome-series',
    journey_version: '1',
    enrollment_id: `enr_${n}`,
    step_id: step,
  });

const body = (answer: unknown): string =>
  typeof answer === 'object' && answer !== null && 'body' in answer && typeof answer.body === 'string'
    ? answer.body
    : '';

describe('the live report of the served stack', () => {
  it('shows the records the stack has queued, and makes the page again only when there are new ones', async () => {
    // Prepare
    const dir = await tempDir();
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const log = new OutcomeFiles({ dir, name: 'serve-1' });
    let flushes = 0;
    const journey = journeyFromYaml(await readFile('journeys/welcome-series.yaml', 'utf8'));
    const page = liveReport({
      dir,
      flush: () => {
        flushes++;
        return log.flush();
      },
      records: () => log.count,
      journeys: [journey],
      location: 'the served local stack',
    });

    // Act
    const empty = body(await page());
    log.append([record(1, 'enrolled', null), record(2, 'step', 'welcome-email')]);
    const [first, second] = await Promise.all([page(), page()]);
    await rm(dir, { recursive: true, force: true }); // a page made again now would find no records
    const unchanged = body(await page());

    // Assess
    expect(empty).toContain('No journey has records in the log');
    expect(empty).toContain('<meta http-equiv="refresh" content="3">');
    expect(body(first)).toContain('Entered 1 enrollment(s) of 1 customer(s)');
    expect(body(first)).toContain('<figure class="diagram"><svg ');
    expect(body(second)).toBe(body(first));
    expect(unchanged).toBe(body(first));
    expect(flushes).toBe(4);
  });
});
