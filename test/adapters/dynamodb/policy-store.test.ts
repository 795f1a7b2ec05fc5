import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../../../functions/adapters/dynamodb/policy-store.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { policyStoreContract } from '../../contracts/policy-store.contract.ts';
import { reachableState } from '../../core/policies/support.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

policyStoreContract(
  'DynamoDB (dynalite)',
  async () => new DynamoPolicyStore({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);

async function storesOnOneTable() {
  const tableName = await dynamo.createTable();
  return {
    states: new DynamoCustomerStateStore({ client: dynamo.documents, tableName }),
    policyStore: new DynamoPolicyStore({ client: dynamo.documents, tableName }),
  };
}

describe('DynamoPolicyStore: suppressions copied to the states of their holders', () => {
  it('copies a suppression into the state of every customer holding the address, and no other', async () => {
    // Prepare: ana and ben share a family address; cleo has her own.
    const { states, policyStore } = await storesOnOneTable();
    const family = 'family@example.com';
    await states.save(reachableState('ana', { email: family }), undefined);
    await states.save(reachableState('ben', { email: family, phone: '+447700900123' }), undefined);
    await states.save(reachableState('cleo'), undefined);

    // Act
    await policyStore.suppress(family, 'hard_bounce');
    await policyStore.suppress('+447700900123', 'stop');

    // Assess
    expect((await states.load('ana'))?.state.delivery?.suppressed).toEqual({ [family]: 'hard_bounce' });
    expect((await states.load('ben'))?.state.delivery?.suppressed).toEqual({
      [family]: 'hard_bounce',
      '+447700900123': 'stop',
    });
    expect((await states.load('cleo'))?.state.delivery).toBeUndefined();
    expect(await policyStore.suppressed([family, 'cleo@example.com'])).toEqual([[family, 'hard_bounce']]);
  });

  it('finds holders through the address index, which follows an address change', async () => {
    // Prepare: ana changed her address; her state item no longer carries the old one.
    const { states, policyStore } = await storesOnOneTable();
    const saved = await states.save(reachableState('ana', { email: 'old@example.com' }), undefined);
    if (!saved.ok) throw new Error('first save');
    await states.save(reachableState('ana', { email: 'new@example.com' }), saved.version);
    await states.save(newCustomerState('ben'), undefined);
    dynamo.counter.take();

    // Act
    const holders = await states.holdersOf('old@example.com');
    await policyStore.suppress('old@example.com', 'complaint');

    // Assess
    expect(holders).toEqual([]);
    expect((await states.load('ana'))?.state.delivery).toBeUndefined();
    expect(dynamo.counter.take()).toMatchObject({
      // The index query of holdersOf and of suppress; the address item; then the two loads above.
      byOperation: { Query: 3, PutItem: 1 },
      errors: {},
    });
  });
});
