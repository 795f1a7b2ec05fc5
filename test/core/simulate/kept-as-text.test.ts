import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { SimulationPartition } from '../../../functions/core/simulate/partition.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

describe('the customer states of a share of cairn simulate', () => {
  it('are kept as text between inputs: each read is a fresh copy, and changing one changes nothing kept', async () => {
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
    const reads = [...users].map((userId) => ({
      userId,
      first: simulation.stateOf(userId),
      second: simulation.stateOf(userId),
    }));
    for (const { first } of reads) if (first) first.enrollments.length = 0;

    // Assess: no object of a stored state is shared with a reader (the states live as JSON text, not objects).
    expect(reads.length).toBeGreaterThan(10);
    for (const { userId, first, second } of reads) {
      expect(second).toBeDefined();
      expect(first).not.toBe(second);
      expect(simulation.stateOf(userId)).toEqual(second);
    }
    expect(reads.some(({ second }) => (second?.enrollments.length ?? 0) > 0)).toBe(true);
  }, 120_000);
});
