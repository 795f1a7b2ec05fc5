import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { SimulationPartition } from '../../../functions/core/simulate/partition.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

describe('the customer states of a share of cairn simulate', () => {
  it('are kept as text between inputs, the ones used last also as objects that no reader can change', async () => {
    // Prepare
    const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const partition = new SimulationPartition({ config, keepSent: false });
    const { simulation } = partition;
    const users = new Set<string>();
    for (const event of generateEvents({ users: 20, days: 7, seed: 3, start: '2026-09-01' })) {
      users.add(event.detail.userId);
      await partition.line(Date.parse(event.time), undefined, { value: event, id: event.id, line: 0 });
    }

    // Act
    const reads = [...users].map((userId) => ({ userId, read: simulation.stateOf(userId) }));
    const changes = reads.map(({ read }) => () => {
      if (read) read.enrollments.length = 0;
    });

    // Assess: a state handed out is frozen, so a reader that changed it would fail at once, and what is kept
    // is what was saved.
    expect(reads.length).toBeGreaterThan(10);
    for (const change of changes) expect(change).toThrow(TypeError);
    for (const { userId, read } of reads) expect(simulation.stateOf(userId)).toEqual(read);
    expect(reads.some(({ read }) => (read?.enrollments.length ?? 0) > 0)).toBe(true);
  }, 120_000);
});
