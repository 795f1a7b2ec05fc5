import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstInvocationImports } from '../../bench/first-invocation.ts';
import { CHUNKS_DIR } from '../../functions/handlers/shared/bundle-layout.ts';
import { PROJECT_ROOT } from '../../infra/lib/app.ts';
import { handlerEntry } from '../../infra/lib/cairn-function.ts';
import { functionBuildOptions } from '../../infra/lib/function-bundle.ts';
import { loadedAfter } from '../core/loading/support.ts';

/** One request of each client the functions construct, answered by a loopback server that says 200 to all. */
const FIRST_REQUESTS = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

export async function firstRequests(endpoint: string): Promise<void> {
  const config = { endpoint, region: 'us-east-1', maxAttempts: 1 };
  const requests = [
    () => DynamoDBDocumentClient.from(new DynamoDBClient(config)).send(new GetCommand({ TableName: 't', Key: { id: 'a' } })),
    () => new DynamoDBClient(config).send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } })),
    () => new SQSClient(config).send(new SendMessageCommand({ QueueUrl: endpoint, MessageBody: 'b' })),
    () => new FirehoseClient(config).send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [] })),
    () => new S3Client({ ...config, forcePathStyle: true }).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })),
    () => new SecretsManagerClient(config).send(new GetSecretValueCommand({ SecretId: 's' })),
    () => new SESv2Client(config).send(new SendEmailCommand({ Content: {} })),
    () => new PinpointSMSVoiceV2Client(config).send(new SendTextMessageCommand({ DestinationPhoneNumber: '+1' })),
    () => new PinpointClient(config).send(new SendMessagesCommand({ ApplicationId: 'a', MessageRequest: {} })),
    () => new LambdaClient(config).send(new InvokeCommand({ FunctionName: 'f' })),
  ];
  // An answer the client cannot read is an error after the request was sent, which is all this needs.
  for (const request of requests) await request().catch(() => undefined);
}
`;

/** Starts a loopback server that answers 200 with `{}`, sends the first requests, and stops it. */
const SEND_FIRST_REQUESTS = (bundle: string) => `import { createServer } from 'node:http';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
const { firstRequests } = await import(${JSON.stringify(bundle)});
await firstRequests('http://127.0.0.1:' + server.address().port);
server.close();`;

describe('what a first invocation loads, as the bundles bench counts it', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cairn-first-invocation-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('leaves out only SDK chunks that no first request of a client loads', async () => {
    // Prepare
    const entry = join(scratch, 'first-requests.ts');
    writeFileSync(entry, FIRST_REQUESTS);
    const options = {
      ...functionBuildOptions(entry, join(scratch, 'bundle'), PROJECT_ROOT),
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
    };
    await build(options);
    // The chunks of the SDK's own import()s: what they import alone is loaded only through them.
    const sdkChunks = readdirSync(join(scratch, 'bundle', CHUNKS_DIR)).filter((file) =>
      /^(event-streams|bowser)-.*\.mjs$/.test(file),
    );

    // Act
    const counted = await firstInvocationImports(options);
    const loaded = loadedAfter(SEND_FIRST_REQUESTS(join(scratch, 'bundle', 'index.mjs')), sdkChunks);

    // Assess
    expect(new Set(sdkChunks.map((file) => file.split('-')[0]))).toEqual(new Set(['event', 'bowser']));
    expect(counted).toEqual([]);
    expect(loaded).toEqual([]);
  }, 60_000);

  it.each([
    ['ingest', ['wiring']],
    ['deliver', ['wiring']],
    ['segments', ['dist-es', 'state-scan', 'wiring']],
  ] as const)("counts %s's import() of its first invocation", async (fn, chunks) => {
    // Prepare
    const options = functionBuildOptions(handlerEntry(fn), join(scratch, fn), PROJECT_ROOT);
    await build(options);

    // Act
    const imported = await firstInvocationImports(options);

    // Assess
    expect(imported.map((file) => basename(file).replace(/-[A-Z0-9]{8}\.mjs$/, ''))).toEqual(chunks);
  });
});
