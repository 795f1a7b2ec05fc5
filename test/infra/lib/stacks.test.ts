import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as z from 'zod';
import {
  ADDRESS_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../../../functions/adapters/dynamodb/table.ts';
import { addCairn } from '../../../infra/lib/app.ts';
import { TIMER_LAG_ALARM_MS } from '../../../infra/lib/observability.ts';
import { Resolver, removeOutput, resourcesOf, type Synthesized, synthesize } from '../support.ts';

const ValidationReport = z.object({ pluginReports: z.array(z.object({ violations: z.array(z.unknown()) })) });
/** What `Validations.acknowledge` records on a construct: the rule id, with its plugin, and the reason. */
const Acknowledgments = z.record(z.string(), z.string());

describe.each(['dev', 'staging', 'prod'])('the %s environment', (env) => {
  let synthesized: Synthesized;
  let resolver: Resolver;
  beforeAll(async () => {
    synthesized = await synthesize(env);
    resolver = new Resolver(synthesized);
  }, 60_000);
  afterAll(() => removeOutput(synthesized));

  describe('stateful stack', () => {
    it('keeps the table as table.ts defines it: keys, its capacity mode, TTL, PITR, the customer managed key', () => {
      // Prepare
      const template = synthesized.statefulTemplate;
      const retain = synthesized.config.retention.retainData;
      const onDemand = synthesized.config.tableCapacity === 'on-demand';

      // Assess
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: [
            { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: SORT_KEY, KeyType: 'RANGE' },
          ],
          // CloudFormation's default billing mode is PROVISIONED, which the CDK leaves unsaid.
          BillingMode: onDemand ? 'PAY_PER_REQUEST' : Match.absent(),
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: {
            SSEEnabled: true,
            SSEType: 'KMS',
            KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TableKey'), 'Arn'] },
          },
          DeletionProtectionEnabled: retain,
        },
        DeletionPolicy: retain ? 'Retain' : 'Delete',
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('auto scales a provisioned table and each index between their bounds at the target utilization, and nothing on demand', () => {
      // Prepare
      const template = synthesized.statefulTemplate;
      const capacity = synthesized.config.tableCapacity;
      const indexes = Object.values(ADDRESS_INDEXES).map((index) => index.indexName);

      // Assess
      if (capacity === 'on-demand') {
        template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
        return;
      }
      const { reads, writes, targetUtilizationPercent } = capacity.provisioned;
      const index = capacity.provisioned.indexes;
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        ProvisionedThroughput: { ReadCapacityUnits: reads.min, WriteCapacityUnits: writes.min },
        GlobalSecondaryIndexes: indexes.map((name) =>
          Match.objectLike({
            IndexName: name,
            ProvisionedThroughput: {
              ReadCapacityUnits: index.reads.min,
              WriteCapacityUnits: index.writes.min,
            },
          }),
        ),
      });
      const scaled = (resourceId: Match | string, dimension: string, units: { min: number; max: number }) =>
        template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
          ServiceNamespace: 'dynamodb',
          ResourceId: resourceId,
          ScalableDimension: dimension,
          MinCapacity: units.min,
          MaxCapacity: units.max,
        });
      const tableId = { 'Fn::Join': ['', ['table/', { Ref: Match.stringLikeRegexp('^Table') }]] };
      scaled(Match.objectEquals(tableId), 'dynamodb:table:ReadCapacityUnits', reads);
      scaled(Match.objectEquals(tableId), 'dynamodb:table:WriteCapacityUnits', writes);
      for (const name of indexes) {
        const indexId = {
          'Fn::Join': ['', ['table/', { Ref: Match.stringLikeRegexp('^Table') }, `/index/${name}`]],
        };
        scaled(Match.objectEquals(indexId), 'dynamodb:index:ReadCapacityUnits', index.reads);
        scaled(Match.objectEquals(indexId), 'dynamodb:index:WriteCapacityUnits', index.writes);
      }
      template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2 + 2 * indexes.length);
      for (const metric of ['DynamoDBReadCapacityUtilization', 'DynamoDBWriteCapacityUtilization'])
        template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: targetUtilizationPercent,
            PredefinedMetricSpecification: { PredefinedMetricType: metric },
          },
        });
      template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2 + 2 * indexes.length);
    });

    it('keeps the customer-events bus and archives what it accepts for replay', () => {
      // Prepare
      const { config } = synthesized;

      // Assess
      synthesized.statefulTemplate.hasResourceProperties('AWS::Events::EventBus', {
        Name: `cairn-${env}-customer-events`,
      });
      synthesized.statefulTemplate.hasResource('AWS::Events::Archive', {
        Properties: {
          RetentionDays: config.retention.eventArchiveDays,
          EventPattern: { source: config.eventSources },
        },
        DeletionPolicy: config.retention.retainData ? 'Retain' : 'Delete',
      });
    });

    it('keeps five encrypted dead-letter queues for the configured retention', () => {
      // Prepare
      const days = synthesized.config.retention.deadLetterDays;

      // Assess
      for (const name of ['ingest-dlq', 'send-dlq', 'feedback-dlq', 'calls-dlq', 'dead-letters']) {
        synthesized.statefulTemplate.hasResource('AWS::SQS::Queue', {
          Properties: {
            QueueName: `cairn-${env}-${name}`,
            MessageRetentionPeriod: days * 86_400,
            SqsManagedSseEnabled: true,
          },
          DeletionPolicy: synthesized.config.retention.retainData ? 'Retain' : 'Delete',
        });
      }
      expect(resourcesOf(synthesized.statefulTemplate, 'AWS::SQS::Queue')).toHaveLength(5);
    });

    it('generates the unsubscribe signing key at deploy time: 64 alphanumerics, in Secrets Manager', () => {
      synthesized.statefulTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      });
    });

    it('creates the SES configuration set, publishing every sending event to the default bus', () => {
      // Prepare
      const email = synthesized.config.channels.email;
      if (!email) throw new Error('every sample environment sends email');

      // Assess
      synthesized.statefulTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
        Name: email.configurationSetName,
        ReputationOptions: { ReputationMetricsEnabled: true },
      });
      synthesized.statefulTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: {
          Enabled: true,
          EventBridgeDestination: { EventBusArn: Match.anyValue() },
          MatchingEventTypes: Match.arrayWith([
            'bounce',
            'complaint',
            'delivery',
            'open',
            'click',
            'subscription',
          ]),
        },
      });
    });

    it('sends alarms to the alarm e-mail through SNS', () => {
      synthesized.statefulTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: synthesized.config.alarmEmail,
      });
    });
  });

  describe('stateless stack', () => {
    it('runs every function on nodejs22.x and arm64, logging to its own group with the retention', () => {
      // Prepare
      const functions = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function');

      // Assess
      // The six of the runtime, the profile import's (profile-import.test.ts), the segment scan's
      // (segment-scan.test.ts) and the scheduled runs' (audience-runs.test.ts).
      expect(functions).toHaveLength(9);
      for (const [, properties] of functions) {
        expect(properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
        });
      }
      const groups = resourcesOf(synthesized.statelessTemplate, 'AWS::Logs::LogGroup').map(([, p]) => [
        p.LogGroupName,
        p.RetentionInDays,
      ]);
      expect(groups.sort()).toEqual(
        [
          'audience-run',
          'audience-run-start',
          'calls',
          'deliver',
          'feedback',
          'import',
          'import-profiles',
          'ingest',
          'runs',
          'segment-scan',
          'segments',
          'timers',
          'unsubscribe',
        ].map((fn) => [`/cairn-${env}/${fn}`, synthesized.config.retention.logs]),
      );
    });

    it('refuses events older than the archive or a queue can bring them, in each function that runs the engine', () => {
      // Prepare
      const functions = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Function');
      const expected = String(Math.max(synthesized.config.retention.eventArchiveDays, 14));

      // Act
      // The segment scan and the runs function ship the configuration too, but read states and take no events.
      const pastDays = functions.flatMap(([id, p]) => {
        const variables = z
          .object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }).optional() })
          .parse(p).Environment?.Variables;
        return variables &&
          'CAIRN_CONFIG_DIR' in variables &&
          !id.startsWith('SegmentScan') &&
          !id.startsWith('AudienceRuns')
          ? [variables.CAIRN_EVENT_PAST_DAYS]
          : [];
      });

      // Assess
      // ingest, timers, deliver and calls: each applies inputs to customers.
      expect(pastDays).toEqual([expected, expected, expected, expected]);
    });

    it('feeds each work queue to its function with partial batch responses and a concurrency cap', () => {
      // Prepare
      const { concurrency } = synthesized.config;
      const mappings = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::EventSourceMapping');

      // Act
      const byQueue = Object.fromEntries(mappings.map(([, p]) => [resolver.name(p.EventSourceArn), p]));

      // Assess
      expect(Object.keys(byQueue).sort()).toEqual([
        'CallsQueue.Arn',
        'FeedbackQueue.Arn',
        'IngestQueue.Arn',
        'SendQueue.Arn',
      ]);
      const expected = {
        'IngestQueue.Arn': concurrency.ingest,
        'SendQueue.Arn': concurrency.deliver,
        'FeedbackQueue.Arn': concurrency.feedback,
      };
      // One call per invocation, so that a slow target holds up no other call.
      expect(byQueue['CallsQueue.Arn']).toMatchObject({
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: concurrency.calls },
      });
      for (const [queue, maximum] of Object.entries(expected)) {
        expect(byQueue[queue]).toMatchObject({
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: maximum },
        });
      }
    });

    it('moves a message to its dead-letter queue after five receives', () => {
      // Act
      const redrives = resourcesOf(synthesized.statelessTemplate, 'AWS::SQS::Queue').map(([id, p]) => {
        const policy = z
          .object({ deadLetterTargetArn: z.unknown(), maxReceiveCount: z.number() })
          .parse(p.RedrivePolicy);
        return [
          id.replace(/[0-9A-F]{8}$/, ''),
          resolver.name(policy.deadLetterTargetArn),
          policy.maxReceiveCount,
        ];
      });

      // Assess
      expect(redrives.sort()).toEqual([
        ['CallsQueue', 'CallsDeadLetters.Arn', 5],
        ['FeedbackQueue', 'FeedbackDeadLetters.Arn', 5],
        ['IngestQueue', 'IngestDeadLetters.Arn', 5],
        ['SendQueue', 'SendDeadLetters.Arn', 5],
      ]);
    });

    it('routes customer events and, per configured channel, provider feedback to the queues', () => {
      // Prepare
      const { config } = synthesized;
      // The import's rules start a state machine (profile-import.test.ts).
      const rules = resourcesOf(synthesized.statelessTemplate, 'AWS::Events::Rule').filter(
        ([id]) => !id.startsWith('ProfileImport'),
      );

      // Act
      const routes = Object.fromEntries(
        rules.map(([, p]) => {
          const targets = z
            .array(z.object({ Arn: z.unknown(), DeadLetterConfig: z.object({ Arn: z.unknown() }) }))
            .parse(p.Targets);
          return [
            String(p.Name),
            targets.map((t) => [resolver.name(t.Arn), resolver.name(t.DeadLetterConfig.Arn)]),
          ];
        }),
      );

      // Assess
      const expected: Record<string, string[][]> = {
        [`cairn-${env}-customer-events`]: [['IngestQueue.Arn', 'IngestDeadLetters.Arn']],
        [`cairn-${env}-email-feedback`]: [['FeedbackQueue.Arn', 'FeedbackDeadLetters.Arn']],
      };
      if (config.channels.sms)
        expected[`cairn-${env}-sms-feedback`] = [['FeedbackQueue.Arn', 'FeedbackDeadLetters.Arn']];
      expect(routes).toEqual(expected);
      synthesized.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
        Name: `cairn-${env}-customer-events`,
        EventPattern: { source: config.eventSources },
      });
    });

    it('lets an app send events straight to the ingest queue: one managed policy, SendMessage on that queue only', () => {
      // Prepare
      const template = synthesized.statelessTemplate;

      // Act
      const policies = resourcesOf(template, 'AWS::IAM::ManagedPolicy');
      const outputs = template.toJSON().Outputs ?? {};

      // Assess
      expect(policies.map(([, p]) => p.ManagedPolicyName)).toEqual([`cairn-${env}-send-events`]);
      const statements = z
        .object({ Statement: z.array(z.object({ Action: z.unknown(), Resource: z.unknown() })) })
        .parse(policies[0]?.[1].PolicyDocument).Statement;
      expect(statements.map((st) => [st.Action, resolver.name(st.Resource)])).toEqual([
        ['sqs:SendMessage', 'IngestQueue.Arn'],
      ]);
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['IngestQueueUrl', 'SendEventsPolicyArn']));
    });

    it('sweeps timers each minute with the envelope the timers handler parses', () => {
      // Prepare
      const [schedule] = resourcesOf(synthesized.statelessTemplate, 'AWS::Scheduler::Schedule').filter(
        ([, properties]) => properties.Name === `cairn-${env}-timer-sweep`,
      );
      const Target = z.object({
        Arn: z.unknown(),
        Input: z.string(),
        RetryPolicy: z.object({ MaximumRetryAttempts: z.number() }),
      });

      // Act
      const target = Target.parse(schedule?.[1].Target);

      // Assess
      expect(schedule?.[1]).toMatchObject({
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
      expect(resolver.name(target.Arn)).toBe('TimersFunction.Arn');
      expect(JSON.parse(target.Input)).toEqual({
        'detail-type': 'Scheduled Event',
        time: '<aws.scheduler.scheduled-time>',
      });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBe(0);
    });

    it('puts the unsubscribe function behind a function URL that checks its own token', () => {
      // Prepare
      const [url] = resourcesOf(synthesized.statelessTemplate, 'AWS::Lambda::Url');

      // Assess
      expect(url?.[1].AuthType).toBe('NONE');
      expect(resolver.name(url?.[1].TargetFunctionArn)).toBe('UnsubscribeFunction.Arn');
    });

    it('alarms on dead letters, errors, throttles, timer lag and SES reputation, all to the alarm topic', () => {
      // Prepare
      const alarms = resourcesOf(synthesized.statelessTemplate, 'AWS::CloudWatch::Alarm');
      const names = alarms.map(([, p]) => String(p.AlarmName).replace(`cairn-${env}-`, ''));

      // Assess
      const fns = ['ingest', 'timers', 'deliver', 'feedback', 'unsubscribe', 'calls'];
      expect(names.sort()).toEqual(
        [
          ...['ingest', 'send', 'feedback', 'calls', 'letters'].map((q) => `${q}-dead-letters`),
          ...fns.flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
          'timer-lag',
          'timers-not-running',
          'outcome-log-failures',
          'ses-bounce-rate',
          'ses-complaint-rate',
        ].sort(),
      );
      for (const [, p] of alarms) {
        expect(
          z
            .array(z.unknown())
            .parse(p.AlarmActions)
            .map((a) => resolver.name(a)),
        ).toEqual(['Alarms']);
      }
      synthesized.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `cairn-${env}-timer-lag`,
        Metrics: [
          Match.objectLike({
            MetricStat: {
              Metric: {
                Namespace: `Cairn/${env}`,
                MetricName: 'TimerLagMaxMs',
                Dimensions: [{ Name: 'service', Value: 'timers' }],
              },
              Period: 300,
              Stat: 'Maximum',
            },
          }),
        ],
        Threshold: TIMER_LAG_ALARM_MS,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('draws a dashboard of the runtime metrics and the queues', () => {
      // Prepare
      const [dashboard] = resourcesOf(synthesized.statelessTemplate, 'AWS::CloudWatch::Dashboard');

      // Act
      const body = JSON.stringify(dashboard?.[1].DashboardBody);

      // Assess
      expect(dashboard?.[1].DashboardName).toBe(`cairn-${env}`);
      for (const metric of [
        'EventsIn',
        'Enrollments',
        'SendOutcomes',
        'TimerLagMaxMs',
        'ApproximateNumberOfMessagesVisible',
      ]) {
        expect(body).toContain(metric);
      }
      // The searches of the runtime's metrics look in this environment's namespace only.
      expect(body).toContain(`SEARCH('{Cairn/${env},channel,reason,service,status}`);
      // Enrollments and send intents of every function that applies an input, not of ingest alone. The quotes
      // in an expression come escaped twice (in the expression, then in the body's JSON): compared without.
      const unescaped = body.replaceAll('\\', '');
      for (const metric of ['Enrollments', 'SendIntents'])
        expect(unescaped).toContain(`SEARCH('{Cairn/${env},service} MetricName="${metric}"'`);
      expect(body).not.toMatch(/\{Cairn,/);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('finds nothing unacknowledged', () => {
      // Act
      const report = ValidationReport.parse(
        JSON.parse(readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8')),
      );

      // Assess
      expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    });

    it('acknowledges findings one by one, each with its own written reason', () => {
      // Act
      const acknowledgments = synthesized.app.node
        .findAll()
        .flatMap((node) => node.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(Acknowledgments.parse(entry.data)));

      // Assess
      expect(acknowledgments.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledgments) {
        expect(id).toMatch(/^AwsSolutions::AwsSolutions-(L1|SQS3|SMG4|S1|IAM5\[Resource::.+\])$/);
        expect(reason.length).toBeGreaterThan(80);
      }
    });
  });
});

describe('cdk-nag in the app', () => {
  it('fails the synth on a finding nobody acknowledged', async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'cairn-nag-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const cairn = await addCairn({ app, env: 'dev', overrides: {} });
    new Queue(cairn.stateless, 'QueueWithoutTls');

    // Act & Assess
    expect(() => app.synth()).toThrow(/AwsSolutions::AwsSolutions-SQS4/);
  });
});
