import { afterAll, beforeAll } from 'vitest';
import { DynamoCallLedger } from '../../../functions/adapters/dynamodb/call-ledger.ts';
import { callLedgerContract } from '../../contracts/call-ledger.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

callLedgerContract(
  'DynamoDB (dynalite)',
  async () => new DynamoCallLedger({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);
