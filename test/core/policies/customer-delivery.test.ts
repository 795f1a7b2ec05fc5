import { describe, expect, it } from 'vitest';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import {
  adoptSuppressions,
  decideInState,
  enteringAddresses,
  pruneCounted,
  withSuppression,
} from '../../../functions/core/policies/customer-delivery.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { suppressHolders } from '../../../functions/core/runtime/suppress-holders.ts';
import { customerDeliveryContract } from '../../contracts/customer-delivery.contract.ts';
import { customerEvent } from '../../support/journeys.ts';
import { DAY, intent, NOON_PARIS, policies, reachableState } from './support.ts';

customerDeliveryContract('in memory', () => {
  // Wired as the table is: the states see the address items, the policy store copies into the states.
  let policyStore: InMemoryPolicyStore | undefined;
  const states = new InMemoryCustomerStateStore({
    suppressionsOf: async (addresses) => (policyStore ? policyStore.suppressed(addresses) : []),
  });
  policyStore = new InMemoryPolicyStore({ customers: states });
  return { states, policyStore };
});

const options = {
  policies: policies({ caps: [{ id: 'weekly', max: 2, per: 'P7D' }] }),
  defaultTimezone: 'UTC',
};

describe('decideInState', () => {
  it('counts a send that passes in the state it returns, and leaves the state given untouched', () => {
    // Prepare
    const state = reachableState('ana');
    const one = intent();

    // Act
    const made = decideInState(one, state, options, NOON_PARIS);

    // Assess
    expect(made.decision).toEqual({ pass: true, channel: 'email', extras: {} });
    expect(made.state.delivery?.counted).toEqual([
      { m: one.messageId, t: NOON_PARIS, r: ['weekly'], x: NOON_PARIS + 7 * DAY },
    ]);
    expect(state.delivery).toBeUndefined();
  });

  it('returns the very state for a send counted before, so a retried send writes nothing', () => {
    // Prepare
    const one = intent();
    const counted = decideInState(one, reachableState('ana'), options, NOON_PARIS).state;

    // Act
    const again = decideInState(one, counted, options, NOON_PARIS + 1);

    // Assess
    expect(again.decision.pass).toBe(true);
    expect(again.state).toBe(counted);
  });

  it('blocks a third send in the window with the onCap outcome, and counts nothing', () => {
    // Prepare
    let state = reachableState('ana');
    for (const at of [NOON_PARIS, NOON_PARIS + DAY])
      state = decideInState(intent(), state, options, at).state;

    // Act
    const third = decideInState(intent({ onCap: 'defer' }), state, options, NOON_PARIS + 2 * DAY);

    // Assess
    expect(third.decision).toEqual({
      pass: false,
      outcome: {
        status: 'DEFERRED',
        reason: 'cap_exceeded',
        channel: 'email',
        rule: 'caps.weekly',
        until: NOON_PARIS + 7 * DAY,
      },
    });
    expect(third.state).toBe(state);
  });

  it('skips an address suppressed in the state, or passed in from elsewhere', () => {
    // Prepare
    const suppressed = withSuppression(reachableState('ana'), 'ana@example.com', 'hard_bounce');
    const plain = reachableState('ben');

    // Act
    const fromState = decideInState(intent(), suppressed, options, NOON_PARIS);
    const fromElsewhere = decideInState(intent({ userId: 'ben' }), plain, options, NOON_PARIS, [
      ['ben@example.com', 'complaint'],
    ]);

    // Assess
    expect(fromState.decision).toMatchObject({
      pass: false,
      outcome: { status: 'SKIPPED', reason: 'suppressed', rule: 'suppression.hard_bounce' },
    });
    expect(fromElsewhere.decision).toMatchObject({ pass: false, outcome: { rule: 'suppression.complaint' } });
    expect(fromElsewhere.state).toBe(plain);
  });
});

describe('the delivery part of the customer state', () => {
  it('prunes counted sends past every window, and leaves out an empty delivery', () => {
    // Prepare
    const state = decideInState(intent(), reachableState('ana'), options, NOON_PARIS).state;

    // Act
    const inWindow = pruneCounted(state, NOON_PARIS + 7 * DAY - 1);
    const after = pruneCounted(state, NOON_PARIS + 7 * DAY);

    // Assess
    expect(inWindow).toBe(state);
    expect(after.delivery).toBeUndefined();
    // What is written: an undefined field is left out of the state's JSON.
    expect(JSON.stringify(after)).not.toContain('"delivery"');
  });

  it('keeps the order of the state fields when it counts a send and when it prunes', () => {
    // Prepare: a state with every field, `delivery` among them, as the engine's draft makes it (engine/draft.ts).
    const given = reachableState('ana');
    const { delivery: _absent, ...rest } = given;
    const drafted: CustomerState = { delivery: undefined, ...rest, runs: undefined };

    // Act
    const counted = decideInState(intent(), drafted, options, NOON_PARIS).state;
    const pruned = pruneCounted(counted, NOON_PARIS + 7 * DAY);

    // Assess
    expect(counted.delivery?.counted).toHaveLength(1);
    expect(Object.keys(counted)).toEqual(Object.keys(drafted));
    expect(Object.keys(pruned)).toEqual(Object.keys(drafted));
  });

  it('adopts only the suppressions of addresses the profile holds', () => {
    // Prepare
    const state = reachableState('ana');

    // Act
    const adopted = adoptSuppressions(state, [
      ['ana@example.com', 'complaint'],
      ['someone@example.com', 'hard_bounce'],
    ]);

    // Assess
    expect(adopted.delivery?.suppressed).toEqual({ 'ana@example.com': 'complaint' });
    expect(adoptSuppressions(state, [])).toBe(state);
  });

  it('names the addresses an event brings as the profile keeps them', () => {
    // Prepare
    const event = customerEvent(
      'Signed Up',
      'ana',
      NOON_PARIS,
      {},
      {
        traits: { email: ' Ana@Example.COM ', phone: '+33 6 12 34 56 78', firstName: 'Ana' },
      },
    );

    // Act
    const addresses = enteringAddresses(event);

    // Assess
    expect(addresses).toEqual(['Ana@example.com', '+33612345678']);
    expect(enteringAddresses(customerEvent('Product Viewed', 'ana', NOON_PARIS))).toEqual([]);
  });

  it('copies a suppression only to holders whose profile still holds the address (the index may lag)', async () => {
    // Prepare: an index that still names ana, who has moved to another address.
    const store = new InMemoryCustomerStateStore();
    await store.save(reachableState('ana', { email: 'new@example.com' }), undefined);
    await store.save(reachableState('ben', { email: 'old@example.com' }), undefined);
    const lagging = Object.assign(store, { holdersOf: async () => ['ana', 'ben', 'never-saved'] });

    // Act
    const written = await suppressHolders(lagging, 'old@example.com', 'hard_bounce');

    // Assess
    expect(written).toBe(1);
    const ana: CustomerState | undefined = (await store.load('ana'))?.state;
    expect(ana?.delivery).toBeUndefined();
    expect((await store.load('ben'))?.state.delivery?.suppressed).toEqual({
      'old@example.com': 'hard_bounce',
    });
    expect(await store.load('never-saved')).toBeUndefined();
  });
});
