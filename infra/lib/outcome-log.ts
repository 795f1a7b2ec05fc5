import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { outcomeColumns, outcomeColumnType } from '../../functions/core/outcomes/record.ts';

/** How long outcome records are kept when the environment does not say: a year and a month, for year-on-year. */
export const DEFAULT_OUTCOME_DAYS = 400;
/** Where Firehose writes records, by the day they arrived (`dt=YYYY-MM-DD`), as the local folder is laid out. */
export const OUTCOME_PREFIX = 'outcomes/';
/** Where Athena writes query results; they expire after a week. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

export type OutcomeLogProps = {
  /** `cairn-<env>`: the stream, bucket, database and workgroup are named after it. */
  prefix: string;
  days: number;
  removalPolicy: RemovalPolicy;
};

/** The Glue database of an environment, as core/outcomes/queries.ts's `athena(database)` takes it. */
export const outcomeDatabaseOf = (prefix: string) => `${prefix.replaceAll('-', '_')}_outcomes`;

/**
 * The outcome log on AWS (docs/outcomes.md): an Amazon Data Firehose stream that Lambda puts records on
 * (adapters/firehose/outcome-log.ts), which writes them GZIP-compressed as JSON lines to a private bucket under
 * `outcomes/dt=YYYY-MM-DD/`; a Glue table over that prefix with partition projection (no crawler, no
 * partitions to add) and an Athena workgroup whose results are encrypted and expire. JSON rather than Parquet:
 * the local folder holds the same lines, so DuckDB and Athena read one format with one SQL text, and the
 * records are small and few columns wide (docs/outcomes.md, "Why JSON").
 */
export class OutcomeLog extends Construct {
  readonly bucket: Bucket;
  readonly stream: CfnDeliveryStream;
  readonly database: string;
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: OutcomeLogProps) {
    super(scope, id);
    const { prefix, days, removalPolicy } = props;
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          prefix: OUTCOME_PREFIX,
          expiration: Duration.days(days),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(7) },
        { prefix: 'errors/', expiration: Duration.days(days) },
      ],
      removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Server access logs would need a second bucket to keep and expire; the writers are one Firehose stream (its delivery errors go to CloudWatch Logs) and the readers are Athena queries, which the workgroup records.',
    });

    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com'),
      description: `Cairn ${prefix}: Firehose writes outcome records to the outcome bucket`,
    });
    // The actions the Firehose guide lists for an S3 destination, on this bucket only (no wildcard actions).
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket)) throw new Error('the outcome bucket has no CfnBucket');
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(cfnBucket)}.Arn>/*]`,
      reason:
        'Firehose names each object it writes (day prefix, stream name, time and a random part), so the role may write any key of the outcome bucket, and that bucket only.',
    });
    this.stream = new CfnDeliveryStream(this, 'Stream', {
      deliveryStreamName: `${prefix}-outcomes`,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${OUTCOME_PREFIX}dt=!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        compressionFormat: 'GZIP',
        // Five minutes or 64 MB: fewer, larger objects, which Athena reads faster and S3 bills fewer PUTs for.
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 64 },
      },
    });
    this.stream.node.addDependency(role);

    this.database = outcomeDatabaseOf(prefix);
    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.database,
        description: `Cairn ${prefix}: the outcome log (docs/outcomes.md)`,
      },
    });
    const location = `s3://${this.bucket.bucketName}/${OUTCOME_PREFIX}`;
    const table = new CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.database,
      tableInput: {
        name: 'outcomes',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string' }],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2026-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: outcomeColumns().map((name) => ({ name, type: outcomeColumnType(name) })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
    table.node.addDependency(database);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${prefix}-outcomes`,
      description: `Cairn ${prefix}: queries of the outcome log`,
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // A query that would scan more than 10 GB (about $0.05) is cancelled: the log is small, so it is a mistake.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
