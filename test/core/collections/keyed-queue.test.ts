import { describe, expect, it } from 'vitest';
import { keyedQueue } from '../../../functions/core/collections/keyed-queue.ts';
import { gate } from '../../support/gate.ts';

describe('keyedQueue', () => {
  it("runs one key's calls in order, each after the previous settled, beside another key's", async () => {
    // Prepare
    const serialize = keyedQueue();
    const started: string[] = [];
    const first = gate();
    const work = (name: string, until?: Promise<void>) => async () => {
      started.push(name);
      await until;
      return name;
    };

    // Act
    const a1 = serialize('a', work('a1', first.opened));
    const a2 = serialize('a', work('a2'));
    const b1 = serialize('b', work('b1'));
    const b1Done = await b1;
    const startedWhileA1Held = [...started];
    first.open();
    const results = await Promise.all([a1, a2]);

    // Assess
    expect(b1Done).toBe('b1');
    expect(startedWhileA1Held).toEqual(['a1', 'b1']);
    expect(results).toEqual(['a1', 'a2']);
    expect(started).toEqual(['a1', 'b1', 'a2']);
  });

  it("runs a key's later call after an earlier one failed, and gives each call its own outcome", async () => {
    // Prepare
    const serialize = keyedQueue();

    // Act
    const failed = serialize('a', async () => {
      throw new Error('DynamoDB unavailable');
    });
    const later = serialize('a', async () => 'applied');

    // Assess
    await expect(failed).rejects.toThrow('DynamoDB unavailable');
    await expect(later).resolves.toBe('applied');
  });
});
