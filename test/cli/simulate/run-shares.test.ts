import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runShares, type SharesRun, startWorkers } from '../../../functions/cli/simulate/run-shares.ts';
import { loadSimulationSetup } from '../../../functions/cli/simulation-setup.ts';
import { HOT_STATE_CHARS } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { memoryIo, tempDir } from '../support.ts';

const EVENTS = 'journeys/events/sample.ndjson';

describe('runShares on worker threads', () => {
  it('runs a pass of two shares on one worker, then another on the same worker, which may count its records without writing them', async () => {
    // Prepare: the sample journeys, loaded as the command loads them, and one worker thread.
    const { io } = memoryIo();
    const setup = await loadSimulationSetup({ journeys: 'journeys', timezone: 'UTC' }, io, 'simulate');
    if (typeof setup === 'number') throw new Error('the sample journeys did not load');
    const pool = await startWorkers({ journeys: 'journeys', timezone: 'UTC' }, 1);
    const [worker] = pool.workers;
    if (!worker) throw new Error('no worker started');
    const open = vi.spyOn(worker, 'open');
    const dir = await tempDir();
    const pass = (shares: number, folder: string, records: boolean): SharesRun => ({
      events: EVENTS,
      shares,
      pool,
      placeOn: () => 0,
      share: { log: false, dir: join(dir, folder), waits: false, records },
      user: undefined,
      config: setup.config,
      calls: undefined,
      until: undefined,
      daysAfter: 30,
      log: undefined,
      onSkipped: () => {},
      onProgress: { every: 1_000, tell: () => {} },
    });
    await mkdir(join(dir, 'two'));
    await mkdir(join(dir, 'one'));

    // Act
    try {
      const two = await runShares(pass(2, 'two', true));
      const one = await runShares(pass(1, 'one', false));

      // Assess: the two shares took the customers between them; the second pass, on the kept worker, counted
      // what they wrote and wrote nothing.
      const [first, second] = two.parts;
      expect(two.parts).toHaveLength(2);
      expect(one.parts).toHaveLength(1);
      expect((first?.eventsIn ?? 0) + (second?.eventsIn ?? 0)).toBe(one.parts[0]?.eventsIn);
      expect(first?.eventsIn).toBeGreaterThan(0);
      expect(second?.eventsIn).toBeGreaterThan(0);
      expect((first?.messages.sent ?? 0) + (second?.messages.sent ?? 0)).toBe(one.parts[0]?.messages.sent);
      expect(one.parts[0]?.messages.sent).toBeGreaterThan(0);
      expect((first?.messages.count ?? 0) + (second?.messages.count ?? 0)).toBe(one.parts[0]?.messages.count);
      expect(first?.messages.files.length).toBeGreaterThan(0);
      expect(one.parts[0]?.messages.files).toEqual([]);
      expect(one.parts[0]?.enrollments.files).toEqual([]);
      // The shares' heaps add up in the one process: each of two holds half the hot states one would.
      const budgets = open.mock.calls.map(([setups]) => setups.map((setup) => setup.hotStateChars));
      expect(budgets).toEqual([[HOT_STATE_CHARS / 2, HOT_STATE_CHARS / 2], [HOT_STATE_CHARS]]);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
