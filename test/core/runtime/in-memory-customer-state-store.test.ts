import { describe, expect, it } from 'vitest';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import {
  HOT_STATES,
  InMemoryCustomerStateStore,
} from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';

customerStateStoreContract('in memory', () => new InMemoryCustomerStateStore());
customerStateStoreContract(
  'in memory, kept as text (the simulator)',
  () => new InMemoryCustomerStateStore({ keep: 'text' }),
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
    const store = new InMemoryCustomerStateStore({ keep: 'text' });
    const state = {
      ...newCustomerState('ana'),
      profile: { ...newCustomerState('ana').profile, locale: undefined, traits: { refunded: -0 } },
    };
    await store.save(state, undefined);
    const hot = await store.load('ana');
    for (let i = 0; i <= HOT_STATES; i++) await store.save(newCustomerState(`other-${i}`), undefined);

    // Act
    const cold = await store.load('ana');

    // Assess
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
});
