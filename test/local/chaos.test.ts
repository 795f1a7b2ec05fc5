import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_RATES, FAULT_KINDS, type FaultRates } from '../../functions/core/chaos/faults.ts';
import { runChaos } from '../../functions/core/chaos/run.ts';
import { generateEvents } from '../../functions/core/generate/index.ts';
import { localMachine } from '../../functions/local/chaos.ts';

/** Every fault often enough to strike in a few hundred inputs, restarts of the stack on its `--data` folder too. */
const RATES: FaultRates = {
  ...DEFAULT_FAULT_RATES,
  'crash-after-state-write': 0.02,
  'duplicate-send': 0.05,
  'crash-after-claim': 0.15,
  'provider-throttled': 0.25,
  'provider-timeout': 0.15,
  restart: 0.02,
};

describe('the chaos harness on the local stack', () => {
  it('sends what the fault-free run sends, none twice and none lost, across restarts with --data', async () => {
    // Prepare: the real handlers on dynalite with a --data folder; 14 generated customers over 14 days.
    const machine = localMachine('journeys');

    // Act
    const report = await runChaos({
      events: () => generateEvents({ users: 14, days: 14, seed: 1, start: '2026-11-01' }),
      seed: 1,
      rates: RATES,
      daysAfter: 8,
      machine,
    });

    // Assess: each fault struck, restarts included, and the provider got the same messages, each once.
    for (const kind of FAULT_KINDS) expect(report.faults[kind], kind).toBeGreaterThan(0);
    const { comparison } = report;
    expect(comparison.expected).toBeGreaterThan(10);
    expect(comparison).toMatchObject({ duplicates: 0, lost: 0, extra: 0 });
    expect(comparison.sent + comparison.withheld).toBe(comparison.expected);
    // About 12 s of CPU (26 s of wall time at a load average of 17 on 2 cores).
  }, 60_000);
});
