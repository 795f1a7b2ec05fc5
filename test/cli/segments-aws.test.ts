import { Readable } from 'node:stream';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { segmentsOnAws } from '../../functions/cli/commands/segments-aws.ts';
import { main } from '../../functions/cli/main.ts';
import { memoryIo } from './support.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);
afterEach(() => {
  sfn.reset();
  s3.reset();
  dynamodb.reset();
});

const MACHINE = 'arn:aws:states:eu-west-1:333333333333:stateMachine:cairn-prod-segment-scan';
const EXECUTION = 'arn:aws:states:eu-west-1:333333333333:execution:cairn-prod-segment-scan:run-1';
const MAP_RUN = 'arn:aws:states:eu-west-1:333333333333:mapRun:cairn-prod-segment-scan/run-1:m1';
const BUCKET = 'cairn-prod-imports-333333333333-eu-west-1';
const AT = '2026-11-01T00:00:00.000Z';

/** An S3 object body as the SDK gives it. */
function body(text: string) {
  return Object.assign(Readable.from([text]), {
    transformToString: async () => text,
    transformToByteArray: async () => new TextEncoder().encode(text),
    transformToWebStream: () => new Blob([text]).stream(),
  });
}

const member = (userId: string) =>
  JSON.stringify({ userId, email: `${userId}@example.com`, phone: null, stage: 'active', segments: ['vip'] });

/**
 * A run of 3 Segments, with the results the map and the workers wrote; `running` first when it succeeds after
 * one look (through `main`, which polls with real sleeps, it succeeds at once).
 */
function aRun({ running = false } = {}) {
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'cairn-prod-segment-scan',
        stateMachineArn: MACHINE,
        type: 'STANDARD',
        creationDate: new Date(),
      },
    ],
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  const succeeded = {
    status: 'SUCCEEDED' as const,
    output: JSON.stringify({
      MapRunArn: MAP_RUN,
      ResultWriterDetails: { Bucket: BUCKET, Key: 'segment-scan-results/m1/manifest.json' },
    }),
  };
  if (running) sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolves(succeeded);
  else sfn.on(DescribeExecutionCommand).resolves(succeeded);
  sfn.on(ListMapRunsCommand).resolves({
    mapRuns: [
      { mapRunArn: MAP_RUN, executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date() },
    ],
  });
  sfn.on(DescribeMapRunCommand).resolves({
    itemCounts: {
      total: 3,
      succeeded: 3,
      failed: 0,
      pending: 0,
      running: 0,
      timedOut: 0,
      aborted: 0,
      resultsWritten: 3,
    },
  });
  s3.on(GetObjectCommand, { Key: 'segment-scan-results/m1/manifest.json' }).resolves({
    Body: body(
      JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'segment-scan-results/m1/SUCCEEDED_0.json' }] } }),
    ),
  });
  const result = (segment: number, customers: number, members: number) => ({
    Output: JSON.stringify({
      scannedItems: customers + 10,
      customers,
      members,
      readUnits: 12.5,
      files: [`segment-scans/vip/run-1/0000${segment}.jsonl`],
    }),
  });
  s3.on(GetObjectCommand, { Key: 'segment-scan-results/m1/SUCCEEDED_0.json' }).resolves({
    Body: body(JSON.stringify([result(0, 40, 2), result(2, 30, 0), result(1, 30, 1)])),
  });
  s3.on(GetObjectCommand, { Key: 'segment-scans/vip/run-1/00000.jsonl' }).resolves({
    Body: body(`${member('zoe')}\n${member('ana')}\n`),
  });
  s3.on(GetObjectCommand, { Key: 'segment-scans/vip/run-1/00001.jsonl' }).resolves({
    Body: body(`${member('bo')}\n`),
  });
  s3.on(GetObjectCommand, { Key: 'segment-scans/vip/run-1/00002.jsonl' }).resolves({ Body: body('') });
}

describe('cairn segments estimate|export ID --env ENV', () => {
  it('cuts the table by its item count, starts the scan, follows it and sums the Segments', async () => {
    // Prepare
    aRun({ running: true });
    dynamodb
      .on(DescribeTableCommand, { TableName: 'cairn-prod' })
      .resolves({ Table: { ItemCount: 250_001 } });
    const sleeps: number[] = [];
    const { io, err } = memoryIo();

    // Act
    const outcome = await segmentsOnAws(
      { action: 'estimate', segment: 'vip', env: 'prod', at: Date.parse(AT) },
      io,
      {
        sfn: new SFNClient({ region: 'eu-west-1' }),
        s3: new S3Client({ region: 'eu-west-1' }),
        dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
        sleep: async (ms) => void sleeps.push(ms),
      },
    );

    // Assess
    expect(outcome).toEqual({ ok: true, members: 3, customers: 100, rows: [] });
    const started = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(started?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(started?.input ?? '')).toEqual({ segment: 'vip', at: AT, totalSegments: 3 });
    expect(sleeps).toEqual([5_000]);
    expect(err.join('\n')).toContain('Segments: 3 of 3 done, 0 failed');
  });

  it('prints the count as the local evaluation does, and exports the members the workers wrote', async () => {
    // Prepare
    aRun();
    const estimate = memoryIo();
    const exported = memoryIo();
    const args = ['--env', 'prod', '--as-of', AT, '--total-segments', '3', '--region', 'eu-west-1'];

    // Act
    const codes = [
      await main(['segments', 'estimate', 'vip', ...args], estimate.io),
      await main(['segments', 'export', 'vip', ...args, '--format', 'jsonl'], exported.io),
    ];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(estimate.out).toEqual([`vip: 3 of 100 customer(s) (3.0%) as of ${AT}`]);
    expect(exported.out.map((l) => JSON.parse(l).userId)).toEqual(['ana', 'bo', 'zoe']);
    // --total-segments: the table is not described.
    expect(dynamodb.commandCalls(DescribeTableCommand)).toHaveLength(0);
  });

  it('says when the run fails, when the machine is not deployed, and refuses a segment the journeys lack', async () => {
    // Prepare
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
    const missing = memoryIo();
    const unknown = memoryIo();
    const badCount = memoryIo();

    // Act
    const codes = [
      await main(['segments', 'estimate', 'vip', '--env', 'prod', '--region', 'eu-west-1'], missing.io),
      await main(['segments', 'estimate', 'vips', '--env', 'prod', '--region', 'eu-west-1'], unknown.io),
      await main(['segments', 'estimate', 'vip', '--env', 'prod', '--total-segments', '0'], badCount.io),
    ];

    // Assess
    expect(codes).toEqual([1, 2, 2]);
    expect(missing.err.join('\n')).toContain('no state machine cairn-prod-segment-scan');
    expect(unknown.err.join('\n')).toContain('unknown segment "vips"');
    expect(badCount.err.join('\n')).toContain('--total-segments "0" is not a whole number from 1 to 1000');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('reports a failed run with its error', async () => {
    // Prepare
    aRun();
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'a Segment failed',
    });
    const { io, err } = memoryIo();

    // Act
    const code = await main(
      ['segments', 'estimate', 'vip', '--env', 'prod', '--total-segments', '2', '--region', 'eu-west-1'],
      io,
    );

    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(
      'the run ended FAILED: States.ExceedToleratedFailureThreshold a Segment failed',
    );
  });
});
