import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InMemoryOutcomeLog } from '../../functions/core/outcomes/in-memory-log.ts';
import { OutcomeRecord } from '../../functions/core/outcomes/record.ts';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

const byId = (a: OutcomeRecord, b: OutcomeRecord) => a.id.localeCompare(b.id);
/** The provider's message id is the provider's: aws-ses-v2-local's on the stack, a recorder's in the simulator. */
const withoutProviderIds = (records: readonly OutcomeRecord[]) =>
  records
    .map((r) => ({ ...r, provider_message_id: r.provider_message_id === null ? null : 'provider' }))
    .sort(byId);

describe('the outcome log on both machines', () => {
  it('holds the same records from the simulator and the local stack for the same event file', async () => {
    // Prepare
    const text = await readFile('journeys/events/sample.ndjson', 'utf8');
    const simulated = new InMemoryOutcomeLog();
    const local = new InMemoryOutcomeLog();

    // Act
    await throughSimulator(text, { daysAfter: 30, outcomes: simulated });
    await throughLocalStack(text, { daysAfter: 30, outcomes: local });

    // Assess
    expect(simulated.records.length).toBeGreaterThan(100);
    expect(withoutProviderIds(local.records)).toEqual(withoutProviderIds(simulated.records));
    for (const record of simulated.records) expect(OutcomeRecord.parse(record)).toEqual(record);
    const kinds = new Set(simulated.records.map((r) => r.kind));
    expect([...kinds].sort()).toEqual([
      'enrolled',
      'exited',
      'goal_reached',
      'not_enrolled',
      'send',
      'stage_changed',
      'step',
    ]);
    expect(new Set(simulated.records.map((r) => r.id)).size).toBe(simulated.records.length);
  }, 120_000);
});
