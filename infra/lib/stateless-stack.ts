import {
  CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ADDRESS_INDEXES } from '../../functions/adapters/dynamodb/table.ts';
import { Channel } from '../../functions/core/journeys/schema-parts.ts';
import { journeysWithMetrics } from '../../functions/core/outcomes/journey-counts.ts';
import { metricsNamespace } from '../../functions/handlers/shared/observability.ts';
import type { Env, EnvironmentConfig } from '../config.ts';
import { AudienceRuns } from './audience-runs.ts';
import { CairnFunction, type CairnFunctionProps, type FunctionName } from './cairn-function.ts';
import { type ArnIn, CHANNEL_DEPLOYMENTS, type ChannelSettings, type FeedbackRule } from './channels.ts';
import {
  arnIn,
  callTargetGrants,
  channelGrants,
  outcomeStreamGrant,
  queueGrant,
  tableGrant,
  unsubscribeSecretGrant,
} from './grants.ts';
import type { ShippedConfig } from './journeys.ts';
import { Observability, OUTCOME_WRITERS } from './observability.ts';
import { ProfileImport } from './profile-import.ts';
import { SegmentScan } from './segment-scan.ts';
import { sendEventsAccess } from './send-events.ts';
import { importBucketNameOf, prefixOf, type StatefulStack } from './stateful-stack.ts';
import type { TableWorkersProps } from './table-workers.ts';

/** How long the work queues keep a message: an event may wait this long in the ingest queue during an outage. */
const QUEUE_RETENTION_DAYS = 14;

export type StatelessStackProps = StackProps & {
  name: Env;
  config: EnvironmentConfig;
  stateful: StatefulStack;
  shipped: ShippedConfig;
  projectRoot: string;
};

/** Receives before SQS moves a message to its dead-letter queue: a throttle storm must not dead-letter work. */
const MAX_RECEIVE_COUNT = 5;

/**
 * How each function is built. Timeouts are short because a record that fails is retried by its queue; the
 * queues' visibility timeouts are six times these, as Lambda recommends for SQS event sources.
 */
const FUNCTIONS: Record<FunctionName, { memorySize: number; timeout: Duration; description: string }> = {
  ingest: { memorySize: 512, timeout: Duration.seconds(30), description: 'Customer events into the engine' },
  deliver: {
    memorySize: 512,
    timeout: Duration.seconds(30),
    description: 'Send intents through the policies',
  },
  timers: { memorySize: 512, timeout: Duration.seconds(60), description: 'Fires due timers, each minute' },
  feedback: {
    memorySize: 256,
    timeout: Duration.seconds(30),
    description: 'Provider feedback into suppressions',
  },
  unsubscribe: {
    memorySize: 256,
    timeout: Duration.seconds(10),
    description: 'The unsubscribe link endpoint',
  },
  // Longer than the longest call a step may make (PT60S), so an attempt ends before the function does.
  calls: {
    memorySize: 256,
    timeout: Duration.seconds(90),
    description: 'Call steps: HTTPS and Lambda calls',
  },
};

/**
 * The code and its wiring, replaceable at will: the functions, their work queues and event source mappings,
 * the rules that feed the queues, the per-minute timer schedule, the unsubscribe function URL, the dashboard and
 * the alarms. Everything it stores lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, CairnFunction>;
  readonly queues: { ingest: Queue; send: Queue; feedback: Queue; calls: Queue };
  readonly observability: Observability;
  readonly profileImport: ProfileImport;
  readonly segmentScan: SegmentScan;
  readonly audienceRuns: AudienceRuns;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful, name } = props;
    const prefix = prefixOf(name);
    const { deadLetters, table, tableKey } = stateful;
    const removalPolicy = config.retention.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const namespace = metricsNamespace(name);

    const make = (fn: FunctionName, shipsConfig: boolean) => {
      const fnProps: CairnFunctionProps = {
        name: fn,
        ...FUNCTIONS[fn],
        projectRoot: props.projectRoot,
        ...(shipsConfig ? { shipped: props.shipped } : {}),
        metricsNamespace: namespace,
        logGroupName: `/${prefix}/${fn}`,
        logRetention: config.retention.logs,
        logRemovalPolicy: removalPolicy,
      };
      return new CairnFunction(this, `${capitalised(fn)}Function`, fnProps);
    };
    // ingest, timers and deliver load the journeys at cold start; feedback and unsubscribe load none.
    const functions = {
      ingest: make('ingest', true),
      timers: make('timers', true),
      deliver: make('deliver', true),
      calls: make('calls', true),
      feedback: make('feedback', false),
      unsubscribe: make('unsubscribe', false),
    };
    this.functions = functions;

    const workQueue = (queueId: string, queueName: string, consumer: FunctionName, deadLetterQueue: IQueue) =>
      new Queue(this, queueId, {
        queueName: `${prefix}-${queueName}`,
        visibilityTimeout: Duration.seconds(6 * FUNCTIONS[consumer].timeout.toSeconds()),
        retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
    this.queues = {
      ingest: workQueue('IngestQueue', 'ingest', 'ingest', deadLetters.ingest),
      send: workQueue('SendQueue', 'send', 'deliver', deadLetters.send),
      feedback: workQueue('FeedbackQueue', 'feedback', 'feedback', deadLetters.feedback),
      calls: workQueue('CallsQueue', 'calls', 'calls', deadLetters.calls),
    };
    const { queues } = this;

    // The functions that load journeys (ingest, timers, deliver) Query the JOURNEYS partition once a minute for
    // the stored versions and the statuses `cairn journeys pause|resume|archive` sets (journey-catalog.ts), and
    // PutItem their bundled versions there on a cold start.
    const runtimeSettings = (fn: CairnFunction) => {
      fn.setting('CAIRN_DEFAULT_TIMEZONE', config.defaultTimezone);
      // The oldest event a replay of the archive, or a queue after an outage, can bring: older ones are refused
      // (docs/events.md, "Limits").
      const pastDays = Math.max(config.retention.eventArchiveDays, QUEUE_RETENTION_DAYS);
      fn.setting('CAIRN_EVENT_PAST_DAYS', String(pastDays));
      if (config.policyEnvironment) fn.setting('CAIRN_ENVIRONMENT', config.policyEnvironment);
    };
    // BatchGetItem: an event bringing new addresses reads the state with their suppression items in one request.
    functions.ingest
      .use(tableGrant(table, tableKey, ['BatchGetItem', 'GetItem', 'PutItem', 'DeleteItem', 'Query']))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest))
      .use(queueGrant('CAIRN_SEND_QUEUE_URL', queues.send))
      .use(queueGrant('CAIRN_DEAD_LETTER_QUEUE_URL', deadLetters.letters));
    functions.timers
      .use(tableGrant(table, tableKey, ['GetItem', 'PutItem', 'DeleteItem', 'Query']))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest))
      .use(queueGrant('CAIRN_SEND_QUEUE_URL', queues.send))
      .use(queueGrant('CAIRN_DEAD_LETTER_QUEUE_URL', deadLetters.letters));
    functions.deliver
      .use(
        tableGrant(table, tableKey, [
          'BatchGetItem',
          'GetItem',
          'PutItem',
          'UpdateItem',
          'DeleteItem',
          'Query',
        ]),
      )
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest))
      .use(queueGrant('CAIRN_SEND_QUEUE_URL', queues.send))
      .use(queueGrant('CAIRN_DEAD_LETTER_QUEUE_URL', deadLetters.letters))
      .use(unsubscribeSecretGrant(stateful.unsubscribeKeys));
    for (const grant of channelGrants(config.channels, { account: this.account, region: this.region })) {
      functions.deliver.use(grant);
    }
    // calls: the calls ledger (PutItem, UpdateItem, DeleteItem, GetItem), the call targets' slots (UpdateItem,
    // GetItem, PutItem), the customer's state, and the secrets and functions its journeys' call steps name.
    functions.calls
      .use(tableGrant(table, tableKey, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query']))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest))
      .use(queueGrant('CAIRN_SEND_QUEUE_URL', queues.send))
      .use(queueGrant('CAIRN_DEAD_LETTER_QUEUE_URL', deadLetters.letters));
    for (const grant of callTargetGrants(props.shipped.compiled.journeys, {
      account: this.account,
      region: this.region,
    }))
      functions.calls.use(grant);
    // Every function that applies an input may run a call step, which puts its call on the calls queue.
    for (const fn of [functions.ingest, functions.timers, functions.deliver, functions.calls])
      fn.use(queueGrant('CAIRN_CALLS_QUEUE_URL', queues.calls));
    // The functions whose use cases observe outcomes write the outcome log and count per journey; feedback and
    // unsubscribe only put events on the ingest queue, whose applying ingest records.
    for (const fn of OUTCOME_WRITERS.map((writer) => functions[writer])) {
      runtimeSettings(fn);
      fn.use(outcomeStreamGrant(stateful.outcomes.stream));
      fn.setting('CAIRN_JOURNEY_METRICS', String(config.journeyMetrics));
    }
    // A suppression is written to the address's item and copied into the state of every customer holding the
    // address, found through the address indexes (DynamoPolicyStore.suppress); a holder's state is read with
    // its seen item in one Query (DynamoCustomerStateStore.load).
    const addressIndexes = Object.values(ADDRESS_INDEXES).map((index) => index.indexName);
    functions.feedback
      .use(tableGrant(table, tableKey, ['PutItem', 'Query'], addressIndexes))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest));
    functions.unsubscribe
      .use(unsubscribeSecretGrant(stateful.unsubscribeKeys))
      .use(queueGrant('CAIRN_INGEST_QUEUE_URL', queues.ingest));

    // Anyone with a link may call it: the HMAC token in the link is the authorisation (docs/channels.md).
    const unsubscribeUrl = functions.unsubscribe.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
    });
    functions.deliver.setting('CAIRN_UNSUBSCRIBE_URL', unsubscribeUrl.url);

    // maxConcurrency caps how many instances work a queue at once: for deliver, that is the sending rate's
    // ceiling (docs/deploy.md, "Sending rate"); for ingest, the write rate to the table during a burst.
    functions.ingest.function.addEventSource(
      new SqsEventSource(queues.ingest, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: config.concurrency.ingest,
      }),
    );
    functions.deliver.function.addEventSource(
      new SqsEventSource(queues.send, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: config.concurrency.deliver,
      }),
    );
    // One call per invocation, so that a slow target holds up no other call; maxConcurrency bounds the calls in
    // flight to all targets together, and a target's maxConcurrent its own share (docs/runtime.md, `calls`).
    functions.calls.function.addEventSource(
      new SqsEventSource(queues.calls, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: config.concurrency.calls,
      }),
    );
    functions.feedback.function.addEventSource(
      new SqsEventSource(queues.feedback, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: config.concurrency.feedback,
      }),
    );

    // The rules' own dead-letter queues are referenced by ARN: the stateful stack grants EventBridge access to
    // them, so that no policy there has to name a rule here (which would make the two stacks depend on each other).
    const eventBridgeDeadLetters = (queueId: string, queue: Queue) =>
      Queue.fromQueueArn(this, queueId, queue.queueArn);
    new Rule(this, 'CustomerEventsRule', {
      ruleName: `${prefix}-customer-events`,
      description: 'Customer events from the configured sources, to the ingest queue',
      eventBus: stateful.customerEvents,
      eventPattern: { source: config.eventSources },
      targets: [
        new SqsQueue(queues.ingest, {
          deadLetterQueue: eventBridgeDeadLetters('IngestDeadLettersByArn', deadLetters.ingest),
        }),
      ],
    });
    const feedbackTarget = new SqsQueue(queues.feedback, {
      deadLetterQueue: eventBridgeDeadLetters('FeedbackDeadLettersByArn', deadLetters.feedback),
    });
    // Per configured channel whose provider publishes its feedback to EventBridge (CHANNEL_DEPLOYMENTS).
    const arn = arnIn({ account: this.account, region: this.region });
    for (const channel of Channel.options) {
      const rule = feedbackRuleOf(channel, config.channels[channel], arn);
      if (!rule) continue;
      new Rule(this, `${capitalized(channel)}FeedbackRule`, {
        ruleName: `${prefix}-${channel}-feedback`,
        ...rule,
        targets: [feedbackTarget],
      });
    }

    // Beside the ingest queue it feeds: the import's state machine, its batch function and the upload rules.
    this.profileImport = new ProfileImport(this, 'ProfileImport', {
      prefix,
      bucketName: importBucketNameOf(name, this.account, this.region),
      ingestQueue: queues.ingest,
      projectRoot: props.projectRoot,
      metricsNamespace: namespace,
      logRetention: config.retention.logs,
      logRemovalPolicy: removalPolicy,
    });

    // The state machines whose workers read the customer states, one Segment of a parallel Scan each.
    const tableWorkers: TableWorkersProps = {
      prefix,
      table,
      tableKey,
      shipped: props.shipped,
      projectRoot: props.projectRoot,
      policyEnvironment: config.policyEnvironment,
      metricsNamespace: namespace,
      logRetention: config.retention.logs,
      logRemovalPolicy: removalPolicy,
    };
    // The batch segment evaluation (docs/audiences.md).
    this.segmentScan = new SegmentScan(this, 'SegmentScan', {
      ...tableWorkers,
      bucketName: importBucketNameOf(name, this.account, this.region),
    });
    // Scheduled journeys and campaigns: a schedule per journey, a launcher and the run's Distributed Map.
    this.audienceRuns = new AudienceRuns(this, 'AudienceRuns', {
      ...tableWorkers,
      defaultTimezone: config.defaultTimezone,
      ingestQueue: queues.ingest,
      scheduleGroup: stateful.scheduleGroup,
    });

    // Lambda's own retries of an asynchronous invocation would only run a sweep the next one repeats anyway.
    functions.timers.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    const sweepRole = new Role(this, 'TimerSweepRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: invokes the timers function, nothing else',
    });
    Validations.of(sweepRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(cfnOf(functions.timers))}.Arn>:*]`,
      reason:
        "LambdaInvoke grants with Lambda's grantInvoke, which also names the function's versions and aliases (<arn>:*); they are versions of the timers function only, and the schedule invokes the unqualified function.",
    });
    new Schedule(this, 'TimerSweep', {
      scheduleName: `${prefix}-timer-sweep`,
      description: 'Fires due timers each minute',
      scheduleGroup: stateful.scheduleGroup,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(functions.timers.function, {
        role: sweepRole,
        // The envelope the timers handler parses (ScheduledEvent in functions/handlers/shared/envelopes.ts).
        input: ScheduleTargetInput.fromObject({
          'detail-type': 'Scheduled Event',
          time: ContextAttribute.scheduledTime,
        }),
        // A missed sweep is not retried: the next one, a minute later, fires everything due by then.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });

    this.observability = new Observability(this, 'Observability', {
      prefix,
      namespace,
      functions,
      queues: this.queues,
      deadLetters: { ...deadLetters },
      alarmTopic: stateful.alarmTopic,
      email: config.channels.email !== undefined,
      // The journeys the functions count under their own JourneyId: the same list, from the same bundle.
      journeys: journeysWithMetrics(props.shipped.compiled.journeys, config.journeyMetrics),
    });

    sendEventsAccess(this, prefix, queues.ingest);
    new CfnOutput(this, 'UnsubscribeUrl', { value: unsubscribeUrl.url });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}

/** The CloudFormation resource of a function, to name it in an acknowledgement. */
function cfnOf(fn: CairnFunction): CfnElement {
  const resource = fn.function.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error(`${fn.name}: no CloudFormation resource`);
  return resource;
}

function capitalised(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** The feedback rule of a channel the environment configures, when its provider publishes feedback. */
function feedbackRuleOf<C extends Channel>(
  channel: C,
  settings: ChannelSettings<C> | undefined,
  arn: ArnIn,
): FeedbackRule | undefined {
  return settings === undefined ? undefined : CHANNEL_DEPLOYMENTS[channel].feedbackRule?.(settings, arn);
}

/** `sms` gives `Sms`: the channel as it starts a construct id. */
function capitalized(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
