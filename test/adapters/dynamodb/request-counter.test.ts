import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../functions/adapters/dynamodb/request-counter.ts';
import { type LocalDynamo, portOf, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('RequestCounter', () => {
  it('counts requests by operation, reads and writes, failures by error, and the capacity reported', async () => {
    // Prepare
    const TableName = await dynamo.createTable();
    const counter = new RequestCounter().attach(dynamo.documents);
    const Key = { pk: 'USER#ana', sk: 'STATE' };

    // Act
    await dynamo.documents.send(
      new PutCommand({ TableName, Item: { ...Key, v: 1 }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    await dynamo.documents.send(
      new GetCommand({ TableName, Key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    await dynamo.documents.send(new GetCommand({ TableName, Key }));
    const refused = dynamo.documents.send(
      new PutCommand({ TableName, Item: { ...Key, v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(refused).rejects.toThrow();

    // Assess
    expect(counter.take()).toEqual({
      byOperation: { PutItem: 2, GetItem: 2 },
      errors: { ConditionalCheckFailedException: 1 },
      reads: 2,
      writes: 2,
      // The put and the consistent get asked for their capacity (1 unit each); the others did not.
      capacityUnits: 2,
      readUnits: 1,
      writeUnits: 1,
    });
    expect(counter.snapshot()).toEqual({
      byOperation: {},
      errors: {},
      reads: 0,
      writes: 0,
      capacityUnits: 0,
      readUnits: 0,
      writeUnits: 0,
    });
  });

  it('counts each attempt of a request the SDK retries, as DynamoDB bills each one', async () => {
    // Prepare: a loopback endpoint that fails twice with a retryable server error, then answers.
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      if (requests <= 2) {
        response.statusCode = 500;
        response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' }));
      } else response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = portOf(server.address());
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    const counter = new RequestCounter().attach(client);

    // Act
    const output = await DynamoDBDocumentClient.from(client).send(
      new GetCommand({ TableName: 't', Key: { pk: 'USER#ana', sk: 'STATE' } }),
    );
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));

    // Assess
    expect(output.Item).toBeUndefined();
    expect(counter.take()).toMatchObject({
      byOperation: { GetItem: 3 },
      errors: { InternalServerError: 2 },
      reads: 3,
    });
  });
});
