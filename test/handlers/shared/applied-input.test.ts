import { describe, expect, it } from 'vitest';
import type { InputResult } from '../../../functions/core/runtime/ingest.ts';
import { reportAppliedInput } from '../../../functions/handlers/shared/applied-input.ts';
import { localObservability, MetricTally } from '../../../functions/local/tally-metrics.ts';

function applied(overrides: Partial<InputResult> = {}): InputResult {
  return {
    userId: 'usr_1',
    inputKey: 'timer:t1',
    written: true,
    duplicate: false,
    attempts: 1,
    enrolled: [],
    sends: 0,
    timersScheduled: 0,
    timersCancelled: 0,
    emitted: 0,
    deadLettered: false,
    effects: [],
    ...overrides,
  };
}

describe('the counts of an applied input', () => {
  it('counts its enrollments, send intents, lost write attempts and undispatched-effects dead letter', () => {
    // Prepare
    const tally = new MetricTally();
    const obs = localObservability('timers', tally, 'SILENT');

    // Act
    reportAppliedInput(
      applied({ enrolled: ['win-back', 'vip-appreciation'], sends: 3, attempts: 3, deadLettered: true }),
      obs,
    );

    // Assess
    expect(tally.total('Enrollments')).toBe(2);
    expect(tally.total('SendIntents')).toBe(3);
    expect(tally.total('StateWriteRetries')).toBe(2);
    expect(tally.total('DeadLetters', { kind: 'undispatched-effects' })).toBe(1);
  });

  it('publishes no count of zero for an input that did nothing', () => {
    // Prepare
    const tally = new MetricTally();
    const obs = localObservability('ingest', tally, 'SILENT');

    // Act
    reportAppliedInput(applied({ written: false, duplicate: true }), obs);

    // Assess
    for (const name of ['Enrollments', 'SendIntents', 'StateWriteRetries', 'DeadLetters'])
      expect(tally.series(name)).toEqual([]);
  });
});
