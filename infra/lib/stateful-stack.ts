import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Env, EnvironmentConfig } from '../config.ts';
import { partitionOf } from './grants.ts';
import { DEFAULT_OUTCOME_DAYS, OutcomeLog } from './outcome-log.ts';
import { autoScaleCapacity, capacityProps, tableShape } from './table.ts';

export type StatefulStackProps = StackProps & { name: Env; config: EnvironmentConfig };

/** The dead-letter queues: three behind the work queues, and the runtime's own dead-letter destination. */
export type DeadLetterQueues = {
  /** Customer events the ingest queue gave up on, and events EventBridge could not put on it. */
  ingest: Queue;
  /** Send intents the send queue gave up on (a body that is not a QueuedSend is one). */
  send: Queue;
  /** Provider feedback the feedback queue gave up on, and feedback EventBridge could not put on it. */
  feedback: Queue;
  /** Calls of call steps the calls queue gave up on (a body that is not a QueuedCall is one). */
  calls: Queue;
  /** Letters the runtime writes itself (CAIRN_DEAD_LETTER_QUEUE_URL): invalid events, undispatched effects... */
  letters: Queue;
};

/** How long imported files stay in the import bucket when the environment does not say. */
export const DEFAULT_IMPORT_DAYS = 7;

/**
 * The import bucket's name: known, so that the stateless stack names it without a cross-stack export and the
 * CLI can tell it; the account and region make it unique among all of S3's buckets.
 */
export const importBucketNameOf = (name: Env, account: string, region: string) =>
  `${prefixOf(name)}-imports-${account}-${region}`;

/** Every name a deployment gives a resource starts with this, so two environments can share an account. */
export const prefixOf = (name: Env) => `cairn-${name}`;

/**
 * What outlives a deployment of the code: the customer data and its key, the customer-events bus and its
 * archive, the dead letters, the unsubscribe signing keys, the SES configuration set, the schedule group and the
 * alarm topic (whose e-mail subscription is confirmed once). Replacing the stateless stack touches none of it.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly tableKey: Key;
  readonly customerEvents: EventBus;
  readonly deadLetters: DeadLetterQueues;
  readonly unsubscribeKeys: Secret;
  readonly scheduleGroup: ScheduleGroup;
  readonly alarmTopic: Topic;
  readonly emailConfigurationSet: ConfigurationSet | undefined;
  /** Profile files to import (docs/audiences.md): an object under imports/<format>/ starts an import. */
  readonly importBucket: Bucket;
  /** The outcome log: Firehose stream, bucket, Glue table, Athena workgroup (docs/outcomes.md). */
  readonly outcomes: OutcomeLog;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config, name } = props;
    const prefix = prefixOf(name);
    const retain = config.retention.retainData;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.tableKey = new Key(this, 'TableKey', {
      alias: `alias/${prefix}-table`,
      description: `Cairn ${name}: encrypts the runtime table (customer state, timers, caps, ledger, suppressions)`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(retain ? 30 : 7),
    });
    const shape = tableShape();
    const capacity = capacityProps(config.tableCapacity);
    this.table = new Table(this, 'Table', {
      // A known name: `cairn journeys pause ID --env prod` finds the table as cairn-<env> without a lookup.
      tableName: prefix,
      partitionKey: shape.partitionKey,
      ...(shape.sortKey ? { sortKey: shape.sortKey } : {}),
      ...capacity.table,
      timeToLiveAttribute: shape.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      deletionProtection: retain,
      removalPolicy,
    });
    for (const index of shape.globalSecondaryIndexes)
      this.table.addGlobalSecondaryIndex({ ...index, ...capacity.index });
    autoScaleCapacity(
      this.table,
      config.tableCapacity,
      shape.globalSecondaryIndexes.map((index) => index.indexName),
    );

    this.customerEvents = new EventBus(this, 'CustomerEvents', { eventBusName: `${prefix}-customer-events` });
    this.customerEvents.applyRemovalPolicy(removalPolicy);
    const archive = this.customerEvents.archive('Archive', {
      archiveName: `${prefix}-customer-events`,
      description: 'Customer events as received, for replay after a fix (docs/deploy.md, "Rolling back")',
      eventPattern: { source: config.eventSources },
      retention: Duration.days(config.retention.eventArchiveDays),
    });
    archive.applyRemovalPolicy(removalPolicy);

    const deadLetterQueue = (id: string, queueName: string) =>
      new Queue(this, id, {
        queueName: `${prefix}-${queueName}`,
        retentionPeriod: Duration.days(config.retention.deadLetterDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy,
      });
    this.deadLetters = {
      ingest: deadLetterQueue('IngestDeadLetters', 'ingest-dlq'),
      send: deadLetterQueue('SendDeadLetters', 'send-dlq'),
      feedback: deadLetterQueue('FeedbackDeadLetters', 'feedback-dlq'),
      calls: deadLetterQueue('CallsDeadLetters', 'calls-dlq'),
      letters: deadLetterQueue('RuntimeDeadLetters', 'dead-letters'),
    };
    const rules = `arn:${partitionOf(this.region)}:events:${this.region}:${this.account}:rule`;
    this.allowEventBridgeRules(this.deadLetters.ingest, `${rules}/${prefix}-customer-events/*`);
    this.allowEventBridgeRules(this.deadLetters.feedback, `${rules}/${prefix}-*`);
    for (const [role, queue] of Object.entries(this.deadLetters)) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          role === 'letters'
            ? 'This queue is itself the dead-letter destination the runtime writes to (CAIRN_DEAD_LETTER_QUEUE_URL); a dead-letter queue behind it would never be read.'
            : `This queue is the dead-letter queue of the ${role} queue, which lives in the stateless stack; cdk-nag looks for the redrive policy in this stack only.`,
      });
    }

    this.unsubscribeKeys = new Secret(this, 'UnsubscribeKeys', {
      description: `Cairn ${name}: keys signing unsubscribe links, current first, whitespace-separated`,
      // 64 alphanumerics, about 380 bits; each key is used as its UTF-8 bytes (adapters/secrets/unsubscribe-keys.ts).
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.unsubscribeKeys).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation is by hand on purpose: a new key is prepended to the secret and the old one kept, so that unsubscribe links already sent (valid 60 days) keep working. A rotation Lambda replacing the value would break them.',
    });

    this.scheduleGroup = new ScheduleGroup(this, 'Schedules', { scheduleGroupName: prefix, removalPolicy });

    this.alarmTopic = new Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true });
    this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    const email = config.channels.email;
    this.emailConfigurationSet = email
      ? this.emailConfigurationSetFor(email.configurationSetName)
      : undefined;

    this.importBucket = this.importBucketFor(
      importBucketNameOf(name, this.account, this.region),
      removalPolicy,
      config.retention.importDays ?? DEFAULT_IMPORT_DAYS,
    );

    this.outcomes = new OutcomeLog(this, 'Outcomes', {
      prefix,
      days: config.retention.outcomeDays ?? DEFAULT_OUTCOME_DAYS,
      removalPolicy,
    });
    new CfnOutput(this, 'OutcomeStreamName', {
      description: 'The functions put outcome records here; Athena reads them in the outcomes workgroup',
      value: this.outcomes.stream.ref,
    });

    new CfnOutput(this, 'CustomerEventsBusName', {
      description: 'Apps send customer events here (events:PutEvents)',
      value: this.customerEvents.eventBusName,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ImportBucketName', {
      description:
        'Profile files written under imports/csv/, imports/jsonl/ or imports/pinpoint/ are imported',
      value: this.importBucket.bucketName,
    });
  }

  /**
   * The import bucket: private, TLS only, encrypted, and emptied of imported files (and the import runs'
   * results) after `importDays`, since they hold customer data that the table now holds. S3 tells EventBridge
   * of every new object; the stateless stack's rules start an import for those under imports/.
   */
  private importBucketFor(bucketName: string, removalPolicy: RemovalPolicy, importDays: number): Bucket {
    const bucket = new Bucket(this, 'ImportBucket', {
      bucketName,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        { expiration: Duration.days(importDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
    // Set on the bucket itself: `eventBridgeEnabled` would add a custom-resource function to do the same.
    const resource = bucket.node.defaultChild;
    if (resource instanceof CfnBucket)
      resource.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Server access logs would copy who read which customer file into another bucket to keep and expire; the import state machine is the only reader, and its runs are logged (Step Functions logs) and traced.',
    });
    return bucket;
  }

  /** EventBridge may put events it could not deliver on `queue`, for the rules named by `ruleArns` only. */
  private allowEventBridgeRules(queue: Queue, ruleArns: string): void {
    queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': ruleArns } },
      }),
    );
  }

  /**
   * The configuration set every email is sent with: it publishes every sending event to the default event bus
   * (SES delivers to no other bus), where the feedback rule picks them up, and reputation metrics to CloudWatch.
   */
  private emailConfigurationSetFor(configurationSetName: string): ConfigurationSet {
    const set = new ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    set.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: Object.values(EmailSendingEvent),
    });
    return set;
  }
}
