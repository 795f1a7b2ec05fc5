import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as z from 'zod';
import { journeysWithMetrics, OTHER_JOURNEYS } from '../../../functions/core/outcomes/journey-counts.ts';
import { outcomeColumns } from '../../../functions/core/outcomes/record.ts';
import { environments } from '../../../infra/config.ts';
import { DEFAULT_OUTCOME_DAYS, outcomeDatabaseOf } from '../../../infra/lib/outcome-log.ts';
import { removeOutput, resourcesOf, type Synthesized, synthesize } from '../support.ts';

const ValidationReport = z.object({ pluginReports: z.array(z.object({ violations: z.array(z.unknown()) })) });

describe.each([
  ['dev', 'cairn-dev'],
  ['staging', 'cairn-staging'],
  ['prod', 'cairn-prod'],
])('the outcome log in %s', (env, prefix) => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = await synthesize(env);
  }, 120_000);
  afterAll(() => removeOutput(synthesized));

  it('has a Firehose stream writing GZIP JSON lines to the outcome bucket by day, encrypted', () => {
    synthesized.statefulTemplate.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: `${prefix}-outcomes`,
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: {
        Prefix: 'outcomes/dt=!{timestamp:yyyy-MM-dd}/',
        CompressionFormat: 'GZIP',
      },
    });
  });

  it('keeps the bucket private, encrypted, TLS only, and expires records after the retention', () => {
    const buckets = resourcesOf(synthesized.statefulTemplate, 'AWS::S3::Bucket').filter(([id]) =>
      id.startsWith('Outcomes'),
    );
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.[1]).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({ Prefix: 'outcomes/', ExpirationInDays: DEFAULT_OUTCOME_DAYS }),
        ]),
      },
    });
  });

  it('describes the records in a Glue table with the record schema as columns and the day as a projected partition', () => {
    synthesized.statefulTemplate.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: outcomeDatabaseOf(prefix),
      TableInput: {
        Name: 'outcomes',
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        Parameters: { 'projection.enabled': 'true', 'projection.dt.type': 'date' },
        StorageDescriptor: {
          Columns: outcomeColumns().map((name) => ({
            Name: name,
            Type: name === 'v' ? 'int' : name === 'revenue' ? 'double' : 'string',
          })),
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  });

  it('has an Athena workgroup that enforces encrypted results and a scan limit', () => {
    synthesized.statefulTemplate.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: `${prefix}-outcomes`,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
  });

  it('lets the Firehose role write to the outcome bucket only, and cdk-nag finds nothing unacknowledged', () => {
    const policies = resourcesOf(synthesized.statefulTemplate, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('OutcomesDeliveryRole'),
    );
    expect(policies).toHaveLength(1);
    const text = JSON.stringify(policies[0]?.[1]);
    expect(text).toContain('s3:PutObject');
    expect(text).not.toMatch(/s3:[A-Za-z]*\*/);
    expect(text).not.toContain('ImportBucket');
    const report = ValidationReport.parse(
      JSON.parse(readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8')),
    );
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('draws a row per journey with metrics of its own, and one for the others, of what the functions publish', () => {
    // Prepare
    const [dashboard] = resourcesOf(synthesized.statelessTemplate, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.[1].DashboardBody).replaceAll('\\', '');
    const named = journeysWithMetrics(
      synthesized.shipped.compiled.journeys,
      synthesized.config.journeyMetrics,
    );

    // Assess: every sample journey and campaign is active, and they are under the default bound of 20.
    const settings = ['lifecycle.yaml', 'policies.yaml'];
    const samples = readdirSync('journeys').filter((f) => f.endsWith('.yaml') && !settings.includes(f));
    const campaigns = readdirSync('journeys/campaigns').filter((f) => f.endsWith('.yaml'));
    expect(named).toHaveLength(samples.length + campaigns.length);
    for (const journeyId of named) {
      for (const widget of ['enrollments', 'messages sent, by channel', 'goals reached'])
        expect(body).toContain(`"title":"${journeyId}: ${widget}"`);
      expect(body).toContain(`"JourneyEnrollments","JourneyId","${journeyId}"`);
      expect(body).toContain(`"JourneySends","JourneyId","${journeyId}","channel","email"`);
      expect(body).toContain(`"JourneyGoals","JourneyId","${journeyId}"`);
    }
    expect(body).toContain(`"JourneyEnrollments","JourneyId","${OTHER_JOURNEYS}"`);
  });

  it('alarms when Firehose refuses outcome records, summing the four functions that write them', () => {
    synthesized.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${prefix}-outcome-log-failures`,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'SUM([ingest,timers,deliver,calls])' }),
        Match.objectLike({
          Id: 'deliver',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: `Cairn/${env}`,
              MetricName: 'OutcomeLogFailures',
              Dimensions: [{ Name: 'service', Value: 'deliver' }],
            },
          }),
        }),
      ]),
    });
  });
});

describe('the per-journey metrics bound', () => {
  it('gives at most the configured number of journeys a row and a dimension', async () => {
    // Prepare / Act
    const configs = { ...environments, dev: { ...environments.dev, journeyMetrics: 3 } };
    const synthesized = await synthesize('dev', { configs });
    onTestFinished(() => removeOutput(synthesized));

    // Assess
    const [dashboard] = resourcesOf(synthesized.statelessTemplate, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.[1].DashboardBody);
    const rows = [...body.matchAll(/: enrollments/g)];
    expect(rows).toHaveLength(4);
    expect(body).toContain('other journeys: enrollments');
  }, 120_000);
});
