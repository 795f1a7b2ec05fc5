import { afterAll, beforeAll } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

customerStateStoreContract(
  'DynamoDB (dynalite)',
  async () =>
    new DynamoCustomerStateStore({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);
