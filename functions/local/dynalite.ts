import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { RequestCounter } from '../adapters/dynamodb/request-counter.ts';
import { tableDefinition } from '../adapters/dynamodb/table.ts';

export type LocalDynamo = {
  endpoint: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  /** Counts every request the clients above send. */
  counter: RequestCounter;
  /**
   * Creates a new, empty table from the project's table definition and returns its name; with a `path`, a
   * table of that name already on disk is kept as it is.
   */
  createTable(name?: string): Promise<string>;
  stop(): Promise<void>;
};

let tables = 0;

/** Fixed credentials: the SDK must never look for real ones (environment, profiles, instance metadata). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'local';

/**
 * Starts dynalite (an in-memory DynamoDB API) on a loopback port (a free one by default), with clients pointed
 * at it. The local stack runs on it, and the tests start one per file and give each test its own table.
 */
export async function startDynalite(port = 0, path?: string): Promise<LocalDynamo> {
  // With a path, dynalite keeps its tables in LevelDB files there (`--data DIR`), so they outlive the process.
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path === undefined ? {} : { path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${portOf(server.address())}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const documents = DynamoDBDocumentClient.from(client);
  const counter = new RequestCounter().attach(client);

  async function createTable(name = `cairn-test-${process.pid}-${++tables}`): Promise<string> {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name)));
    } catch (error) {
      // A table kept on disk from an earlier run is used as it is.
      if (!(error instanceof ResourceInUseException && path !== undefined)) throw error;
    }
    // dynalite makes a table ACTIVE on a timer, even with createTableMs 0.
    for (let i = 0; i < 100; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') {
        counter.take();
        return name;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`dynalite table ${name} did not become ACTIVE`);
  }

  async function stop(): Promise<void> {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  return { endpoint, client, documents, counter, createTable, stop };
}

/** The port of a server listening on TCP (`server.address()`). */
export function portOf(address: string | AddressInfo | null): number {
  if (address === null || typeof address === 'string') throw new Error(`not a TCP address: ${address}`);
  return address.port;
}
