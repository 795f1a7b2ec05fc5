import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SEGMENT_SCAN_MAP, SEGMENT_SCAN_RESULTS_PREFIX } from '../../../infra/lib/segment-scan.ts';
import { importBucketNameOf } from '../../../infra/lib/stateful-stack.ts';
import {
  allowedTo,
  definitionOf,
  Resolver,
  removeOutput,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../support.ts';

const MapState = z.looseObject({
  Type: z.literal('Map'),
  ItemsPath: z.string(),
  ItemSelector: z.record(z.string(), z.string()),
  ItemBatcher: z.looseObject({}),
  MaxConcurrency: z.number(),
  ItemProcessor: z.looseObject({
    ProcessorConfig: z.record(z.string(), z.string()),
    States: z.record(z.string(), z.looseObject({ Retry: z.array(z.looseObject({})) })),
  }),
});

describe.each(['dev', 'prod'])('the segment scan in %s', (env) => {
  let synthesized: Synthesized;
  let resolver: Resolver;
  let bucketName: string;
  beforeAll(async () => {
    synthesized = await synthesize(env);
    resolver = new Resolver(synthesized);
    bucketName = importBucketNameOf(env as 'dev', resolver.account, resolver.region);
  }, 120_000);
  afterAll(() => removeOutput(synthesized));

  it('maps the Segment numbers 0..TotalSegments-1 of the run, one per batch, bounded, failing on a failed Segment', () => {
    // Act
    const { StartAt, States } = definitionOf(synthesized, resolver, 'SegmentScanStateMachine');

    // Assess: the item source is the array the Plan state makes from the input's totalSegments.
    expect(StartAt).toBe('Plan');
    expect(States.Plan).toMatchObject({
      Type: 'Pass',
      Parameters: {
        request: {
          'segment.$': '$.segment',
          'at.$': '$.at',
          'totalSegments.$': '$.totalSegments',
          bucket: bucketName,
          'prefix.$': "States.Format('segment-scans/{}/{}', $.segment, $$.Execution.Name)",
        },
        'segments.$': 'States.ArrayRange(0, States.MathAdd($.totalSegments, -1), 1)',
      },
      Next: 'Segments',
    });
    const map = MapState.parse(States.Segments);
    expect(map).not.toHaveProperty('ItemReader');
    expect(map.ItemsPath).toBe('$.segments');
    expect(map.ItemSelector).toEqual({ 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' });
    expect(map.ItemBatcher).toEqual({
      MaxItemsPerBatch: 1,
      MaxInputBytesPerBatch: 262_144,
      BatchInput: { 'request.$': '$.request' },
    });
    expect(map.MaxConcurrency).toBe(SEGMENT_SCAN_MAP.maxConcurrency);
    expect(map.MaxConcurrency).toBe(20);
    // No tolerance: a count missing a Segment would be short, so the run fails instead.
    expect(map).not.toHaveProperty('ToleratedFailurePercentage');
    expect(map).not.toHaveProperty('ToleratedFailureCount');
    expect(map.ResultWriter).toMatchObject({
      Parameters: { Bucket: bucketName, Prefix: SEGMENT_SCAN_RESULTS_PREFIX },
    });
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    const batch = map.ItemProcessor.States['Segments batch'];
    expect(batch).toMatchObject({ Type: 'Task', Resource: 'SegmentScanSegmentsFunction.Arn' });
    expect(batch?.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'States.TaskFailed']),
        MaxAttempts: 4,
      }),
    ]);
  });

  it('names the state machine for the CLI, logs without execution data and traces', () => {
    synthesized.statelessTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `cairn-${env}-segment-scan`,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('gives the state machine exactly what it calls: the worker, the results prefix, its child runs, logs and traces', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'SegmentScanStateMachineRole');

    // Assess
    const execution = `arn:AWS::Partition:states:${resolver.region}:${resolver.account}:execution:`;
    expect(statements.map((s) => s.replace(/execution:.*?(:\*|\/\*:\*)$/, 'execution:<machine>$1'))).toEqual(
      [
        ...[
          'CreateLogDelivery',
          'DeleteLogDelivery',
          'DescribeLogGroups',
          'DescribeResourcePolicies',
          'GetLogDelivery',
          'ListLogDeliveries',
          'PutResourcePolicy',
          'UpdateLogDelivery',
        ].map((a) => `logs:${a} *`),
        'lambda:InvokeFunction SegmentScanSegmentsFunction.Arn',
        'lambda:InvokeFunction SegmentScanSegmentsFunction.Arn:*',
        `s3:AbortMultipartUpload arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:GetObject arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:ListMultipartUploadParts arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:PutObject arn:AWS::Partition:s3:::${bucketName}/*`,
        ...['PutTraceSegments', 'PutTelemetryRecords', 'GetSamplingRules', 'GetSamplingTargets'].map(
          (a) => `xray:${a} *`,
        ),
        `states:DescribeExecution ${execution}<machine>:*`,
        `states:RedriveExecution ${execution}<machine>/*:*`,
        'states:StartExecution SegmentScanStateMachine',
        `states:StopExecution ${execution}<machine>:*`,
      ].sort(),
    );
  });

  it('lets the worker Scan the table (through its key), write member files and its logs, nothing else', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'SegmentScanSegmentsFunctionRole');
    const [[, fn] = ['', {}]] = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function').filter(
      ([id]) => id.startsWith('SegmentScanSegmentsFunction'),
    );

    // Assess
    expect(statements).toEqual(
      [
        'dynamodb:Scan Table.Arn',
        ...[
          'Decrypt',
          'DescribeKey',
          'Encrypt',
          'GenerateDataKey',
          'GenerateDataKeyWithoutPlaintext',
          'ReEncryptFrom',
          'ReEncryptTo',
        ].map((a) => `kms:${a} TableKey.Arn`),
        'logs:CreateLogStream SegmentScanSegmentsFunctionLogs.Arn',
        'logs:PutLogEvents SegmentScanSegmentsFunctionLogs.Arn',
        `s3:PutObject arn:AWS::Partition:s3:::${bucketName}/segment-scans/*`,
      ].sort(),
    );
    const variables = z
      .object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) })
      .parse(fn).Environment.Variables;
    expect(
      Object.keys(variables)
        .filter((v) => v.startsWith('CAIRN_'))
        .sort(),
    ).toEqual(
      [
        'CAIRN_CONFIG_DIR',
        'CAIRN_TABLE_NAME',
        ...(synthesized.config.policyEnvironment ? ['CAIRN_ENVIRONMENT'] : []),
      ].sort(),
    );
  });
});
