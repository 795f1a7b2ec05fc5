import { afterAll, beforeAll } from 'vitest';
import { DynamoCallSlots } from '../../../functions/adapters/dynamodb/call-slots.ts';
import { callSlotsContract } from '../../contracts/call-slots.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

callSlotsContract(
  'DynamoDB (dynalite)',
  async () => new DynamoCallSlots({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);
