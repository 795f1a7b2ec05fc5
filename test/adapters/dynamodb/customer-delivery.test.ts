import { afterAll, beforeAll } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../../../functions/adapters/dynamodb/policy-store.ts';
import { customerDeliveryContract } from '../../contracts/customer-delivery.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

customerDeliveryContract('DynamoDB (dynalite)', async () => {
  const tableName = await dynamo.createTable();
  return {
    states: new DynamoCustomerStateStore({ client: dynamo.documents, tableName }),
    policyStore: new DynamoPolicyStore({ client: dynamo.documents, tableName, maxAttempts: 60 }),
  };
});
