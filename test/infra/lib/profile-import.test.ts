import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { IMPORT_MAP, IMPORT_PREFIXES, IMPORT_RESULTS_PREFIX } from '../../../infra/lib/profile-import.ts';
import { importBucketNameOf } from '../../../infra/lib/stateful-stack.ts';
import {
  allowedTo,
  definitionOf,
  Resolver,
  removeOutput,
  resourcesOf,
  type Synthesized,
  synthesize,
  withoutHash,
} from '../support.ts';

const MapState = z.looseObject({
  Type: z.literal('Map'),
  ItemReader: z.looseObject({ Resource: z.string(), ReaderConfig: z.record(z.string(), z.string()) }),
  ItemSelector: z.record(z.string(), z.string()),
  ItemBatcher: z.looseObject({}),
  MaxConcurrency: z.number(),
  ItemProcessor: z.looseObject({
    ProcessorConfig: z.record(z.string(), z.string()),
    States: z.record(z.string(), z.looseObject({ Retry: z.array(z.looseObject({})) })),
  }),
});
describe.each(['dev', 'prod'])('the profile import in %s', (env) => {
  let synthesized: Synthesized;
  let resolver: Resolver;
  let bucketName: string;
  beforeAll(async () => {
    synthesized = await synthesize(env);
    resolver = new Resolver(synthesized);
    bucketName = importBucketNameOf(env as 'dev', resolver.account, resolver.region);
  }, 120_000);
  afterAll(() => removeOutput(synthesized));

  it('keeps the import bucket in the stateful stack: named, private, TLS only, sending its events to EventBridge, expiring files', () => {
    // Act
    const buckets = resourcesOf(synthesized.statefulTemplate, 'AWS::S3::Bucket').filter(
      ([id]) => !id.startsWith('Outcomes'),
    );

    // Assess
    expect(buckets.map(([id]) => withoutHash(id))).toEqual(['ImportBucket']);
    expect(buckets[0]?.[1]).toMatchObject({
      BucketName: bucketName,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })],
      },
    });
    synthesized.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  it('reads the object with a Distributed Map per reader, batching rows, bounded, failing on a failed batch after retries', () => {
    // Act
    const { StartAt, States } = definitionOf(synthesized, resolver, 'ProfileImportStateMachine');

    // Assess
    expect(StartAt).toBe('ByFormat');
    expect(States.ByFormat).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.format', StringEquals: 'csv', Next: 'CsvRows' }],
      Default: 'JsonLinesRows',
    });
    const readers = {
      CsvRows: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
      JsonLinesRows: { InputType: 'JSONL' },
    };
    for (const [name, readerConfig] of Object.entries(readers)) {
      const map = MapState.parse(States[name]);
      expect(map.ItemReader).toEqual({
        Resource: 'arn:AWS::Partition:states:::s3:getObject',
        ReaderConfig: readerConfig,
        Parameters: { Bucket: bucketName, 'Key.$': '$.key' },
      });
      expect(map.ItemSelector).toEqual({ 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' });
      expect(map.ItemBatcher).toEqual({
        MaxItemsPerBatch: IMPORT_MAP.maxItemsPerBatch,
        MaxInputBytesPerBatch: 262_144,
        BatchInput: { 'request.$': '$' },
      });
      expect(map.MaxConcurrency).toBe(10);
      // No tolerance: Step Functions' default of 0 fails the run on the first batch that fails its retries.
      expect(map).not.toHaveProperty('ToleratedFailurePercentage');
      expect(map).not.toHaveProperty('ToleratedFailureCount');
      expect(map.ResultWriter).toMatchObject({
        Parameters: { Bucket: bucketName, Prefix: IMPORT_RESULTS_PREFIX },
      });
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      const batch = map.ItemProcessor.States[`${name} batch`];
      expect(batch).toMatchObject({ Type: 'Task', Resource: 'ProfileImportImportFunction.Arn' });
      expect(batch?.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'States.TaskFailed']),
          MaxAttempts: 4,
          BackoffRate: 2,
        }),
      ]);
    }
  });

  it('names the state machine for the CLI, logs without execution data and traces', () => {
    synthesized.statelessTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `cairn-${env}-import-profiles`,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('gives the state machine exactly what it calls: the bucket, the import function, its own child runs, logs and traces', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'ProfileImportStateMachineRole');

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
        'lambda:InvokeFunction ProfileImportImportFunction.Arn',
        'lambda:InvokeFunction ProfileImportImportFunction.Arn:*',
        `s3:AbortMultipartUpload arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:GetObject arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:GetObject arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:ListMultipartUploadParts arn:AWS::Partition:s3:::${bucketName}/*`,
        `s3:PutObject arn:AWS::Partition:s3:::${bucketName}/*`,
        ...['PutTraceSegments', 'PutTelemetryRecords', 'GetSamplingRules', 'GetSamplingTargets'].map(
          (a) => `xray:${a} *`,
        ),
        `states:DescribeExecution ${execution}<machine>:*`,
        `states:RedriveExecution ${execution}<machine>/*:*`,
        'states:StartExecution ProfileImportStateMachine',
        `states:StopExecution ${execution}<machine>:*`,
      ].sort(),
    );
  });

  it('lets the import function send to the ingest queue and write its logs, nothing else, and tells it only the queue', () => {
    // Act
    const statements = allowedTo(synthesized, resolver, 'ProfileImportImportFunctionRole');
    const [[, fn] = ['', {}]] = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function').filter(
      ([id]) => id.startsWith('ProfileImportImportFunction'),
    );

    // Assess
    expect(statements).toEqual([
      'logs:CreateLogStream ProfileImportImportFunctionLogs.Arn',
      'logs:PutLogEvents ProfileImportImportFunctionLogs.Arn',
      'sqs:SendMessage IngestQueue.Arn',
    ]);
    const variables = z
      .object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) })
      .parse(fn).Environment.Variables;
    expect(Object.keys(variables).filter((v) => v.startsWith('CAIRN_'))).toEqual(['CAIRN_INGEST_QUEUE_URL']);
    expect(resolver.name(variables.CAIRN_INGEST_QUEUE_URL)).toBe('IngestQueue');
  });

  it('starts an import for an object written under each format prefix, with the format and the time in the input', () => {
    // Act
    const rules = resourcesOf(synthesized.statelessTemplate, 'AWS::Events::Rule').filter(([id]) =>
      id.startsWith('ProfileImport'),
    );

    // Assess
    expect(rules).toHaveLength(3);
    expect(allowedTo(synthesized, resolver, 'ProfileImportStateMachineEventsRole')).toEqual([
      'states:StartExecution ProfileImportStateMachine',
    ]);
    for (const [format, prefix] of Object.entries(IMPORT_PREFIXES)) {
      synthesized.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
        Name: `cairn-${env}-import-${format}`,
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix }] } },
        },
        Targets: [
          Match.objectLike({
            Arn: { Ref: Match.stringLikeRegexp('^ProfileImportStateMachine') },
            InputTransformer: Match.objectLike({
              InputTemplate: `{"bucket":<detail-bucket-name>,"key":<detail-object-key>,"format":"${format}","importedAt":<time>}`,
            }),
          }),
        ],
      });
    }
  });
});
