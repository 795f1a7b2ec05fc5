import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { EngineInput } from '../../../functions/core/engine/engine.ts';
import type { EngineContext } from '../../../functions/core/engine/engine-context.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerStateStore, SaveResult } from '../../../functions/core/ports/customer-state-store.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import {
  jitteredBackoff,
  readModifyWrite,
  StateConflictError,
} from '../../../functions/core/runtime/read-modify-write.ts';
import { readProcessWrite } from '../../../functions/core/runtime/read-process-write.ts';
import { customerEvent, journeyFromYaml, MINUTE } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const WELCOME = journeyFromYaml(`
id: welcome
name: Welcome
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: hello, type: send, channel: email, template: welcome }
`);

const context = (now = T0): EngineContext => ({
  now,
  catalog: new JourneyCatalog([WELCOME]),
  defaultTimezone: 'UTC',
});

/** Another writer's input, saved by the time this one saves: the next `conflicts` saves lose. */
class RacedStore implements CustomerStateStore {
  readonly inner = new InMemoryCustomerStateStore();
  saves = 0;
  loads = 0;
  constructor(private conflicts: number) {}
  async load(userId: string) {
    this.loads++;
    return this.inner.load(userId);
  }
  async save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult> {
    this.saves++;
    if (this.conflicts > 0) {
      this.conflicts--;
      const current = await this.inner.load(state.userId);
      const other = customerEvent(
        'Product Viewed',
        state.userId,
        T0,
        {},
        { traits: { other: `${this.saves}` } },
      );
      const raced = await readProcessWrite(
        state.userId,
        { kind: 'event', event: other },
        {
          store: this.inner,
          context: () => context(),
        },
      );
      expect(raced.version).toBe((current?.version ?? 0) + 1);
    }
    return this.inner.save(state, expectedVersion);
  }
}

describe('readProcessWrite', () => {
  it('creates the state of a new customer at version 1 and returns the effects', async () => {
    // Prepare
    const store = new InMemoryCustomerStateStore();
    const event = customerEvent('Signed Up', 'ana', T0, {}, { traits: { email: 'ana@example.com' } });

    // Act
    const result = await readProcessWrite(
      'ana',
      { kind: 'event', event },
      { store, context: () => context() },
    );

    // Assess
    expect(result).toMatchObject({ version: 1, written: true, attempts: 1 });
    expect(result.effects.map((e) => e.type)).toEqual(['enrolled', 'moved', 'send', 'exited']);
    expect(await store.load('ana')).toEqual({ state: result.state, version: 1 });
  });

  it('writes nothing for an input it has already processed', async () => {
    // Prepare
    const store = new RacedStore(0);
    const event = customerEvent('Signed Up', 'ana', T0);
    await readProcessWrite('ana', { kind: 'event', event }, { store, context: () => context() });

    // Act
    const again = await readProcessWrite(
      'ana',
      { kind: 'event', event },
      { store, context: () => context() },
    );

    // Assess
    expect(again).toMatchObject({ version: 1, written: false, attempts: 1 });
    expect(again.effects).toEqual([expect.objectContaining({ type: 'ignored', reason: 'duplicate-input' })]);
    expect(store.saves).toBe(1);
  });

  it('runs the whole cycle again on the newer state after a conflict, and returns only the stored effects', async () => {
    // Prepare
    const store = new RacedStore(2);
    const event = customerEvent('Signed Up', 'ana', T0);
    const waits: number[] = [];
    let contexts = 0;

    // Act
    const result = await readProcessWrite(
      'ana',
      { kind: 'event', event },
      {
        store,
        context: () => context(T0 + ++contexts * MINUTE),
        backoff: (attempt) => attempt * 10,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );

    // Assess
    expect(result).toMatchObject({ version: 3, written: true, attempts: 3 });
    expect(waits).toEqual([20, 30]);
    expect(store.loads).toBe(3);
    // The stored attempt ran at the third clock reading, and its state has the other writer's traits too.
    expect(result.effects.every((e) => e.at === T0 + 3 * MINUTE)).toBe(true);
    expect(result.effects.filter((e) => e.type === 'send')).toHaveLength(1);
    expect(result.state.profile.traits).toEqual({ other: '2' });
    expect((await store.inner.load('ana'))?.state).toEqual(result.state);
  });

  it('gives up after the last attempt without writing, so the input can be retried later', async () => {
    // Prepare
    const store = new RacedStore(3);
    const event = customerEvent('Signed Up', 'ana', T0);

    // Act
    const attempt = readProcessWrite(
      'ana',
      { kind: 'event', event },
      {
        store,
        context: () => context(),
        maxAttempts: 3,
        sleep: async () => {},
      },
    );

    // Assess
    await expect(attempt).rejects.toThrow(StateConflictError);
    await expect(attempt).rejects.toMatchObject({ userId: 'ana', attempts: 3 });
    const stored = await store.inner.load('ana');
    expect(stored?.version).toBe(3);
    expect(stored?.state.enrollments).toEqual([]);
  });
});

/** A store whose next saves do what `fault` says: land and then throw, throw without landing, or land and conflict. */
class AmbiguousStore implements CustomerStateStore {
  readonly inner = new InMemoryCustomerStateStore();
  constructor(private faults: ('landed-then-threw' | 'threw' | 'landed-then-conflict')[]) {}
  load(userId: string) {
    return this.inner.load(userId);
  }
  async save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult> {
    const fault = this.faults.shift();
    if (fault === 'threw') throw new Error('connection reset');
    const saved = await this.inner.save(state, expectedVersion);
    if (fault === 'landed-then-threw') throw new Error('timed out');
    // A retried request whose first try landed: the condition now fails against its own write.
    if (fault === 'landed-then-conflict') return { ok: false, reason: 'conflict' };
    return saved;
  }
}

describe('readProcessWrite when a save fails after it landed', () => {
  const signUp: EngineInput = { kind: 'event', event: customerEvent('Signed Up', 'ana', T0) };

  it('reads the state back and keeps the effects of a write that landed before the save threw', async () => {
    // Prepare
    const store = new AmbiguousStore(['landed-then-threw']);

    // Act
    const result = await readProcessWrite('ana', signUp, { store, context: () => context() });

    // Assess: applied once, its send handed back, not lost to a retry that would find it a duplicate.
    expect(result).toMatchObject({ version: 1, written: true, attempts: 1 });
    expect(result.effects.filter((e) => e.type === 'send')).toHaveLength(1);
    expect((await store.inner.load('ana'))?.state).toEqual(result.state);
  });

  it('takes a conflict with its own earlier write as the write landing', async () => {
    // Prepare
    const store = new AmbiguousStore(['landed-then-conflict']);

    // Act
    const result = await readProcessWrite('ana', signUp, {
      store,
      context: () => context(),
      sleep: async () => {},
    });

    // Assess
    expect(result).toMatchObject({ version: 1, written: true, attempts: 1 });
    expect(result.effects.filter((e) => e.type === 'send')).toHaveLength(1);
  });

  it('throws the error of a save that did not land, so the input is retried whole', async () => {
    // Prepare
    const store = new AmbiguousStore(['threw']);

    // Act
    const attempt = readProcessWrite('ana', signUp, { store, context: () => context() });

    // Assess
    await expect(attempt).rejects.toThrow('connection reset');
    expect(await store.inner.load('ana')).toBeUndefined();
  });
});

describe('readModifyWrite', () => {
  it('hands back the value of the attempt that was saved, made from the state that attempt read', async () => {
    // Prepare: another writer saves between this call's first read and its save.
    const store = new RacedStore(1);
    await store.inner.save({ ...newCustomerState('ana'), processed: [1] }, undefined);
    const seen: number[][] = [];

    // Act
    const done = await readModifyWrite(
      'ana',
      async (before) => {
        seen.push(before.processed);
        return { state: { ...before, processed: [...before.processed, 7] }, value: before.processed.length };
      },
      { store, sleep: async () => {} },
    );

    // Assess
    expect(done).toMatchObject({ written: true, attempts: 2, version: 3, value: seen[1]?.length });
    expect(seen).toHaveLength(2);
    expect((await store.inner.load('ana'))?.state.processed).toEqual([...(seen[1] ?? []), 7]);
  });

  it('writes nothing when the change returns the state it was given', async () => {
    // Prepare
    const store = new RacedStore(0);
    await store.inner.save(newCustomerState('ana'), undefined);

    // Act
    const done = await readModifyWrite('ana', (before) => ({ state: before, value: 'unchanged' }), { store });

    // Assess
    expect(done).toMatchObject({ written: false, version: 1, attempts: 1, value: 'unchanged' });
    expect(store.saves).toBe(0);
  });
});

describe('jitteredBackoff', () => {
  it('waits up to 5 ms before the second attempt, doubling the bound each time up to 200 ms', () => {
    // Prepare
    const highest = jitteredBackoff(() => 0.9999);
    const lowest = jitteredBackoff(() => 0);

    // Act
    const bounds = [2, 3, 4, 5, 6, 7, 8, 20].map(highest);

    // Assess
    expect(bounds).toEqual([9, 19, 39, 79, 159, 199, 199, 199]);
    expect(lowest(5)).toBe(0);
  });
});
