import { describe, expect, it } from 'vitest';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';

customerStateStoreContract('in memory', () => new InMemoryCustomerStateStore());
customerStateStoreContract(
  'in memory, kept as text (the simulator)',
  () => new InMemoryCustomerStateStore({ keep: 'text' }),
);
customerStateStoreContract(
  'in memory, kept as text, no state kept hot but the one used last',
  () => new InMemoryCustomerStateStore({ keep: 'text', hotChars: 1 }),
);

describe('InMemoryCustomerStateStore kept as text (the simulator)', () => {
  it('hands out a state no caller can change, and gives back the same after one tried', async () => {
    // Prepare
    const store = new InMemoryCustomerStateStore({ keep: 'text' });
    await store.save(
      {
        ...newCustomerState('ana'),
        profile: { ...newCustomerState('ana').profile, traits: { plan: 'pro' } },
      },
      undefined,
    );
    const loaded = await store.load('ana');

    // Act
    const change = () => {
      if (loaded) loaded.state.profile.traits.plan = 'free';
    };

    // Assess
    expect(change).toThrow(TypeError);
    expect((await store.load('ana'))?.state.profile.traits).toEqual({ plan: 'pro' });
  });

  it('gives back what JSON keeps of a state, whether it is among the states used last or not', async () => {
    // Prepare
    const store = new InMemoryCustomerStateStore({ keep: 'text', hotChars: 1 });
    const state = {
      ...newCustomerState('ana'),
      profile: { ...newCustomerState('ana').profile, locale: undefined, traits: { refunded: -0 } },
    };
    await store.save(state, undefined);
    const hot = await store.load('ana');
    await store.save(newCustomerState('other'), undefined);

    // Act
    const cold = await store.load('ana');

    // Assess
    expect(cold?.state).not.toBe(hot?.state);
    for (const read of [hot, cold]) {
      expect(Object.is(read?.state.profile.traits.refunded, 0)).toBe(true);
      expect(read?.state.profile).not.toHaveProperty('locale');
    }
    expect(cold?.state).toEqual(hot?.state);
    expect(cold?.version).toBe(1);
  });

  it('finds a customer by the addresses of the state saved last, whether it kept the loaded profile or not', async () => {
    // Prepare
    const store = new InMemoryCustomerStateStore({ keep: 'text' });
    const empty = newCustomerState('ana');
    await store.save({ ...empty, profile: { ...empty.profile, email: 'old@example.com' } }, undefined);
    const first = await store.load('ana');
    if (!first) throw new Error('the first save was not kept');

    // Act
    await store.save({ ...first.state, processed: [1] }, first.version);
    const kept = await store.holdersOf('old@example.com');
    const second = await store.load('ana');
    if (!second) throw new Error('the second save was not kept');
    await store.save(
      { ...second.state, profile: { ...second.state.profile, email: 'new@example.com' } },
      second.version,
    );

    // Assess
    expect(kept).toEqual(['ana']);
    expect(await store.holdersOf('old@example.com')).toEqual([]);
    expect(await store.holdersOf('new@example.com')).toEqual(['ana']);
  });

  it('keeps as objects the states used last while their text stays within the budget, and parses the rest', async () => {
    // Prepare: three states of one text length, a budget of two
    const chars = JSON.stringify(newCustomerState('ana')).length;
    const store = new InMemoryCustomerStateStore({ keep: 'text', hotChars: 2 * chars });
    for (const id of ['ana', 'bob', 'cyd']) await store.save(newCustomerState(id), undefined);
    const [bob, cyd] = [await store.load('bob'), await store.load('cyd')];

    // Act
    const [bobAgain, cydAgain, ana, anaAgain] = [
      await store.load('bob'),
      await store.load('cyd'),
      await store.load('ana'),
      await store.load('ana'),
    ];

    // Assess: bob and cyd were kept; ana had left (parsed again), and is kept since
    expect(bobAgain?.state).toBe(bob?.state);
    expect(cydAgain?.state).toBe(cyd?.state);
    expect(ana?.state).toEqual(newCustomerState('ana'));
    expect(anaAgain?.state).toBe(ana?.state);
    expect((await store.load('bob'))?.state).not.toBe(bob?.state);
  });

  it('scans the hot states as they are kept and the others from their text, in the order they were stored', async () => {
    // Prepare
    const chars = JSON.stringify(newCustomerState('ana')).length;
    const store = new InMemoryCustomerStateStore({ keep: 'text', hotChars: chars });
    for (const id of ['ana', 'bob']) await store.save(newCustomerState(id), undefined);
    const bob = await store.load('bob');

    // Act
    const scanned: unknown[] = [];
    for await (const page of store.pages()) scanned.push(...page);

    // Assess
    expect(scanned).toEqual([newCustomerState('ana'), newCustomerState('bob')]);
    expect(scanned[1]).toBe(bob?.state);
    expect(scanned[0]).not.toBe((await store.load('ana'))?.state);
  });
});
