import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
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
import { importProfilesOnAws } from '../../functions/cli/commands/import-profiles-aws.ts';
import { memoryIo } from './support.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  sfn.reset();
  s3.reset();
});

const MACHINE = 'arn:aws:states:eu-west-1:333333333333:stateMachine:cairn-prod-import-profiles';
const EXECUTION = 'arn:aws:states:eu-west-1:333333333333:execution:cairn-prod-import-profiles:run-1';
const MAP_RUN = 'arn:aws:states:eu-west-1:333333333333:mapRun:cairn-prod-import-profiles/run-1:m1';
const BUCKET = 'cairn-prod-imports-333333333333-eu-west-1';

/** An S3 object body as the SDK gives it. */
function body(value: unknown) {
  const text = JSON.stringify(value);
  return Object.assign(Readable.from([text]), {
    transformToString: async () => text,
    transformToByteArray: async () => new TextEncoder().encode(text),
    transformToWebStream: () => new Blob([text]).stream(),
  });
}

const OPTIONS = {
  url: `s3://${BUCKET}/manual/endpoints.jsonl`,
  env: 'prod',
  format: 'pinpoint' as const,
  list: 'migrated',
  importedAt: '2026-11-01T00:00:00Z',
  map: {},
};

function clients(sleeps: number[] = []) {
  return {
    sfn: new SFNClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    sleep: async (ms: number) => void sleeps.push(ms),
  };
}

describe('cairn import profiles s3://... --env ENV', () => {
  it('starts the environment state machine on the object, follows the map run and sums up the batch results', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({});
    sfn.on(ListStateMachinesCommand).resolvesOnce({
      stateMachines: [
        { name: 'other', stateMachineArn: 'arn:other', type: 'STANDARD', creationDate: new Date() },
      ],
      nextToken: 'page-2',
    });
    sfn.on(ListStateMachinesCommand, { nextToken: 'page-2' }).resolves({
      stateMachines: [
        {
          name: 'cairn-prod-import-profiles',
          stateMachineArn: MACHINE,
          type: 'STANDARD',
          creationDate: new Date(),
        },
      ],
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({
        status: 'SUCCEEDED',
        output: JSON.stringify({
          MapRunArn: MAP_RUN,
          ResultWriterDetails: { Bucket: BUCKET, Key: 'import-results/m1/manifest.json' },
        }),
      });
    sfn.on(ListMapRunsCommand).resolves({
      mapRuns: [
        { mapRunArn: MAP_RUN, executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date() },
      ],
    });
    sfn
      .on(DescribeMapRunCommand)
      .resolvesOnce({
        itemCounts: {
          total: 1000,
          succeeded: 500,
          failed: 0,
          pending: 0,
          running: 500,
          timedOut: 0,
          aborted: 0,
          resultsWritten: 0,
        },
      })
      .resolves({
        itemCounts: {
          total: 1000,
          succeeded: 1000,
          failed: 0,
          pending: 0,
          running: 0,
          timedOut: 0,
          aborted: 0,
          resultsWritten: 1000,
        },
      });
    s3.on(GetObjectCommand, { Key: 'import-results/m1/manifest.json' }).resolves({
      Body: body({ ResultFiles: { SUCCEEDED: [{ Key: 'import-results/m1/SUCCEEDED_0.json' }] } }),
    });
    const batch = (rows: number, imported: number, examples: unknown[]) => ({
      Output: JSON.stringify({
        rows,
        imported,
        skipped: examples.length > 0 ? { 'bad-row': examples.length } : {},
        examples,
      }),
    });
    s3.on(GetObjectCommand, { Key: 'import-results/m1/SUCCEEDED_0.json' }).resolves({
      Body: body([
        batch(500, 500, []),
        batch(500, 499, [
          { row: 612, line: 612, kind: 'bad-row', field: 'Address', reason: 'not an email address: "x"' },
        ]),
      ]),
    });
    const sleeps: number[] = [];
    const { io, err } = memoryIo();

    // Act
    const code = await importProfilesOnAws(OPTIONS, io, clients(sleeps));

    // Assess
    expect(code).toBe(0);
    const started = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(started?.stateMachineArn).toBe(MACHINE);
    expect(JSON.parse(started?.input ?? '{}')).toEqual({
      bucket: BUCKET,
      key: 'manual/endpoints.jsonl',
      format: 'pinpoint',
      importedAt: '2026-11-01T00:00:00Z',
      list: 'migrated',
    });
    expect(sleeps).toEqual([5_000]);
    expect(err).toEqual([
      `cairn import profiles: started ${EXECUTION} on s3://${BUCKET}/manual/endpoints.jsonl (pinpoint)`,
      '  rows: 500 done, 0 in failed batches, 1000 read so far',
      '  rows: 1000 done, 0 in failed batches, 1000 read so far',
      [
        'cairn import profiles: read 1000 rows, imported 999',
        '  skipped 1 rows: bad-row',
        '    row 612 (line 612): Address: not an email address: "x"',
        `  results: s3://${BUCKET}/import-results/m1/manifest.json`,
      ].join('\n'),
    ]);
  });

  it('exits 1 saying the run failed, with its error and cause', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'a batch failed',
    });
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    const { io, err } = memoryIo();

    // Act
    const code = await importProfilesOnAws({ ...OPTIONS, stateMachine: MACHINE }, io, clients());

    // Assess
    expect(code).toBe(1);
    expect(err.at(-1)).toBe(
      'cairn import profiles: the run ended FAILED: States.ExceedToleratedFailureThreshold a batch failed',
    );
    expect(sfn.commandCalls(ListStateMachinesCommand)).toHaveLength(0);
  });

  it('exits 1 naming the missing object, and starts nothing', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));
    const { io, err } = memoryIo();

    // Act
    const code = await importProfilesOnAws(OPTIONS, io, clients());

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      `cairn import profiles: ${OPTIONS.url}: the object does not exist (check the bucket and key)`,
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('exits 1 when the environment has no import state machine, saying how to name one', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({});
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
    const { io, err } = memoryIo();

    // Act
    const code = await importProfilesOnAws(OPTIONS, io, clients());

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toContain('no state machine cairn-prod-import-profiles in this account and region');
  });
});
