import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { CHANNEL_CLIENT_CONFIG } from '../adapters/channels/index.ts';
import { DynamoAudienceRunStore } from '../adapters/dynamodb/audience-run-store.ts';
import { scanStates } from '../adapters/dynamodb/state-scan.ts';
import { HttpCaller } from '../adapters/http/http-caller.ts';
import { SesEmailChannel } from '../adapters/ses/email-channel.ts';
import {
  type ApplyComposition,
  composeApplyPorts,
  type EffectExits,
  tableCatalogRefresher,
  tableTimerStore,
} from '../composition/apply.ts';
import { composeCallPorts } from '../composition/calls.ts';
import { composeDeliverPorts } from '../composition/deliver.ts';
import { composeFeedbackPorts } from '../composition/feedback.ts';
import { onTable, type TableAccess } from '../composition/table.ts';
import { composeUnsubscribePorts } from '../composition/unsubscribe.ts';
import type { PiiDisplay } from '../core/diagnostics/mask.ts';
import type { SendIntent } from '../core/engine/state.ts';
import { observeAll, outcomeObserver } from '../core/outcomes/observer.ts';
import type { AudienceRunStore } from '../core/ports/audience-run-store.ts';
import { type CallPort, callRouter } from '../core/ports/call-port.ts';
import { channelRouter } from '../core/ports/channel.ts';
import type { DeadLetter } from '../core/ports/dead-letters.ts';
import type { OutcomeLog } from '../core/ports/outcome-log.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import type { QueuedSend, SendQueue } from '../core/ports/send-queue.ts';
import { type AudienceRunPorts, ScheduledRuns } from '../core/runtime/audience-runs.ts';
import type { RuntimeConfig } from '../core/runtime/config.ts';
import { earliest, LOCAL_BATCH, type Machine, PacedTimes } from '../core/runtime/drive.ts';
import { InMemoryQueue } from '../core/runtime/in-memory-queue.ts';
import { RecordingChannel } from '../core/runtime/recording-channel.ts';
import { SWEEP_LIMIT } from '../core/runtime/timers.ts';
import { Tally } from '../core/simulate/tally.ts';
import { callsHandler } from '../handlers/calls/index.ts';
import { deliverHandler } from '../handlers/deliver/index.ts';
import { feedbackHandler } from '../handlers/feedback/index.ts';
import { ingestHandler } from '../handlers/ingest/index.ts';
import { loadRuntimeConfig } from '../handlers/shared/config.ts';
import type { BatchResponse } from '../handlers/shared/envelopes.ts';
import { type Refreshing, refreshing } from '../handlers/shared/journey-catalog.ts';
import type { Observability } from '../handlers/shared/observability.ts';
import { timersHandler } from '../handlers/timers/index.ts';
import { unsubscribeHandler } from '../handlers/unsubscribe/index.ts';
import type { LocalClock } from './clock.ts';
import { firstStart, openDataDir, unsubscribeKey } from './data-dir.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalDynamo, startDynalite } from './dynalite.ts';
import { type LocalEndpoint, startEndpoint } from './endpoint.ts';
import { JournaledQueue } from './journaled-queue.ts';
import {
  type LocalMessage,
  type LocalQueue,
  localCallQueue,
  localEventPublisher,
  localSendQueue,
} from './local-queue.ts';
import { ObservedTimerStore } from './observed-timers.ts';
import { localSecrets } from './secrets.ts';
import { keepLatest, observedChannel, SERVE_KEEP_LATEST, SentLog, type SentMessage } from './sent-log.ts';
import { type SesLocal, startSesLocal } from './ses-local.ts';
import { localObservability, MetricTally } from './tally-metrics.ts';

export type LocalStackOptions = {
  /** The journeys folder, with templates/, lifecycle.yaml and policies.yaml beside the journeys. */
  journeysDir: string;
  /** The environment of policies.yaml and lifecycle.yaml to apply; their base values when absent. */
  environment?: string;
  defaultTimezone?: string;
  clock: LocalClock;
  /** The PutEvents endpoint's port; a free one when absent. */
  port?: number;
  sesPort?: number;
  /** The handlers' own log lines (Powertools Logger); none by default, the report says what happened. */
  logLevel?: 'SILENT' | 'WARN' | 'INFO' | 'DEBUG';
  /** Whether the handlers' log lines show personal data (`--show-pii`); masked by default. */
  pii?: PiiDisplay;
  /** The sender of local email. */
  emailFrom?: string;
  /**
   * Values of the secrets call steps name in headers (`{ secret: NAME }`); a name not here is read from the
   * environment variable CAIRN_SECRET_<NAME> (upper case, other characters as _).
   */
  secrets?: Readonly<Record<string, string>>;
  /** Wraps the calls function's HTTP caller, for tests that inject faults; calls go to real URLs otherwise. */
  wrapCaller?: (caller: CallPort) => CallPort;
  /**
   * How many calls the calls function makes at once, as `concurrency.calls` instances do on AWS; 1 by default,
   * so that a local run is repeatable. More shows a target's `maxConcurrent` at work.
   */
  callWorkers?: number;
  /**
   * The long-running mode (`--serve`): PutEvents waits while the ingest backlog is full (backpressure), and the
   * stack keeps counters and the latest messages rather than everything, so that memory stays bounded. A
   * replay keeps everything for its result.
   */
  serving?: boolean;
  /**
   * `--data DIR`: the table (customer state, ledger, timers, journey registry) in LevelDB files and each queue
   * in a journal file there, so that a restart with the same folder loses nothing acknowledged.
   */
  dataDir?: string;
  /** Where the use cases' outcome records go (`--log DIR`), as Lambda's go to Firehose; none by default. */
  outcomes?: OutcomeLog;
  /** More function-URL-style handlers on the endpoint, by path: the served stack's live report (`/report`). */
  pages?: Record<string, (event: unknown) => Promise<unknown>>;
  /** Decorators around the state store, the send queue and the channels (the chaos harness, core/chaos/). */
  wrap?: PortWrappers;
  /** Wraps the ports of scheduled journeys' runs, for tests that inject faults into a run. */
  wrapRunPorts?: (ports: AudienceRunPorts) => AudienceRunPorts;
};

/** The ingest backlog at which a serving stack's PutEvents waits: about two seconds of work on 2 cores. */
export const SERVE_INGEST_BACKLOG = 200;

export type { SentMessage };

/** A message the local queues gave up on after its last receive, like an SQS redrive to a DLQ. */
export type RedrivenMessage = { queue: string; message: LocalMessage };

export type LocalStack = Machine & {
  /** Where apps point `@aws-sdk/client-eventbridge` (PutEvents) and where unsubscribe links go. */
  endpoint: string;
  /** The local SES v2 endpoint and its web page of the emails sent. */
  ses: SesLocal;
  dynamo: LocalDynamo;
  tableName: string;
  config: RuntimeConfig;
  /** What the handlers counted, as they count it on AWS (Powertools metrics). */
  tally: MetricTally;
  /** What the use cases observed: messages, enrollments and counters, as the simulator reports them. */
  results: Tally;
  /** Letters the handlers dead-lettered (invalid events, undelivered sends) and messages the queues redrove. */
  deadLetters: DeadLetter[];
  redriven: RedrivenMessage[];
  /** SMS and push have no local provider API: their messages are recorded here, rendered. */
  sms: RecordingChannel;
  push: RecordingChannel;
  /** Every message handed to a channel, in order (a serving stack: the latest `SERVE_KEEP_LATEST`). */
  sent: SentMessage[];
  /** How many messages were handed to a channel in all. */
  readonly sentTotal: number;
  /** Hears of each message handed to a channel from now on; returns how to stop. */
  onSent(listener: (message: SentMessage) => void): () => void;
  /** Where the table and queues live: `memory`, or the `--data` folder. */
  stateLocation: string;
  /**
   * Fair work for a long-running stack: a batch of ingest, of feedback and of deliver in turn, until the queues
   * are empty (false) or the wall clock passes `deadline` (true), so that no queue waits for another to empty.
   */
  work(deadline: number): Promise<boolean>;
  /** Starts the scheduled runs due now, then fires the timers due now, without draining the queues after. */
  fireTimers(): Promise<void>;
  /** The runs of scheduled journeys, as recorded in the table. */
  runs: AudienceRunStore;
  /** Puts a send on the send queue, as ingest does; the next drain hands it to deliver (campaign test sends). */
  enqueueSend(send: QueuedSend): Promise<void>;
  /** Runs that failed, each tried again at the next minute. */
  runErrors: readonly { journeyId: string; run: string; error: string }[];
  /**
   * The input of every SES v2 request, as sent: aws-ses-v2-local keeps subject, bodies and headers but not the
   * tags or the configuration set, so they are checked here.
   */
  sesRequests: unknown[];
  /** Events accepted by PutEvents. */
  eventsPut: number;
  /**
   * Puts provider feedback (an SES event as EventBridge delivers it, an SMS delivery event...) on the feedback
   * queue, as the providers' feedback rules do on AWS; the next drain hands it to the feedback handler.
   */
  feedback(record: unknown): void;
  /** Puts a dead-lettered send's intent back on the send queue, undecided, as a redrive of the DLQ does. */
  redriveSend(intent: SendIntent): void;
  stop(): Promise<void>;
};

const LAMBDA_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cairn-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:cairn-local',
  memoryLimitInMB: '1024',
  awsRequestId: 'local',
  logGroupName: '/aws/lambda/cairn-local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 900_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

const LOCAL_ACCOUNT = '000000000000';

/**
 * The serverless runtime on this machine: the real ingest, deliver, timers, feedback and unsubscribe handlers, in this
 * process, against dynalite (DynamoDB API), aws-ses-v2-local (SES v2 API), a PutEvents endpoint, and queues in
 * memory that behave like SQS. Handlers run one at a time, so no write can be in flight while timers are swept.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { clock } = options;
  const now = () => clock.now();
  const config = await loadRuntimeConfig(
    options.journeysDir,
    options.environment,
    options.defaultTimezone ?? 'UTC',
  );
  const keep = options.serving ? SERVE_KEEP_LATEST : undefined;
  const { dataDir } = options;
  if (dataDir !== undefined) await openDataDir(dataDir);
  const tally = new MetricTally();
  const logLevel = options.logLevel ?? 'SILENT';
  const deadLetters: DeadLetter[] = [];
  const redriven: RedrivenMessage[] = [];
  const onDeadLetter = (message: LocalMessage, queue: string) => {
    redriven.push({ queue, message });
    keepLatest(redriven, keep);
  };
  const queue = (name: string): LocalQueue =>
    dataDir === undefined
      ? new InMemoryQueue(name, clock, { onDeadLetter })
      : new JournaledQueue(name, clock, join(dataDir, `${name}-queue.jsonl`), { onDeadLetter });
  const ingestQueue = queue('ingest');
  const sendQueue = queue('send');
  const feedbackQueue = queue('feedback');
  const callQueue = queue('calls');
  const [dynamo, ses] = await Promise.all([
    startDynalite(0, dataDir === undefined ? undefined : join(dataDir, 'table')),
    startSesLocal(options.sesPort, keep),
  ]);
  const tableName = await dynamo.createTable('cairn-local');
  const results = new Tally(config.catalog);
  const outcomes = options.outcomes && outcomeObserver(options.outcomes);
  // A serving stack counts (the handlers' metrics) rather than keeping a result of every message; the outcome
  // log, when asked for, is written either way.
  const observer = options.serving ? outcomes : observeAll(results, outcomes);
  const table: TableAccess = { documents: dynamo.documents, tableName };
  const tableTimers = tableTimerStore(table, {
    clock: now,
    // Handlers run one at a time here, so no timer write can be in flight during a sweep.
    writeMarginMs: 0,
    // Shards spread a busy hour's writes over partitions on AWS; here they would only multiply the queries
    // of a replay that sweeps weeks of virtual time in seconds.
    shards: 1,
    // A table kept on disk may hold timers scheduled before a crash and due since: the first sweep of all starts
    // where the folder was first used, not at this start.
    firstSweepFrom: await firstStart(dataDir, now()),
  });
  // A replay jumps from one due timer to the next, so it remembers when each is due; a serving stack sweeps
  // every minute and keeps none of them in memory.
  const timers = options.serving ? undefined : new ObservedTimerStore(tableTimers);
  const wrap = options.wrap ?? {};
  const paced = new PacedTimes();
  const localSends = localSendQueue(sendQueue);
  const sends: SendQueue = {
    // A send paced by its journey's send-rate limit is due at its second: the driver stops there.
    async enqueue(messages) {
      await localSends.enqueue(messages);
      for (const { send } of messages) if (send.slot !== undefined) paced.note(send.slot * 1000);
    },
  };
  const exits: EffectExits = {
    sends: wrap.sends ? wrap.sends(sends) : sends,
    events: localEventPublisher(ingestQueue),
    calls: localCallQueue(callQueue),
    deadLetters: {
      async put(letter) {
        deadLetters.push(letter);
        keepLatest(deadLetters, keep);
      },
    },
  };
  const observability = (service: string) =>
    localObservability(service, tally, logLevel, options.pii ?? 'masked');
  // Each function that runs the engine has its own catalog refresher over the registry in the table, as on AWS
  // (handlers/shared/wiring.ts), so a status changed with `cairn journeys` applies here within a minute too.
  const engineFunction = <P>(
    obs: Observability,
    compose: (composition: ApplyComposition) => P,
  ): (() => Promise<P>) => {
    const refresher = tableCatalogRefresher(table, config.catalog, now);
    const wired: Refreshing<P> = {
      ports: compose({
        table,
        exits,
        timers: wrap.timers ? wrap.timers(timers ?? tableTimers) : (timers ?? tableTimers),
        ...(observer ? { observer } : {}),
        ...(wrap.states ? { wrapStates: wrap.states } : {}),
        setting: { config, catalogs: refresher, now },
      }),
      refresher,
    };
    return refreshing(async () => wired, obs.logger);
  };

  const unsubscribeKeys = { current: await unsubscribeKey(dataDir) };
  let stack: LocalStack | undefined;
  const unsubscribePorts = composeUnsubscribePorts({ keys: unsubscribeKeys, events: exits.events, now });
  const unsubscribe = unsubscribeHandler(async () => unsubscribePorts, observability('unsubscribe'));
  const serial = serialiser();
  const endpoint: LocalEndpoint = await startEndpoint({
    ...(options.port === undefined ? {} : { port: options.port }),
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    now,
    accept: (event) => {
      ingestQueue.send(JSON.stringify(event));
      if (stack) stack.eventsPut++;
    },
    ...(options.serving ? { admit: () => room(ingestQueue, SERVE_INGEST_BACKLOG) } : {}),
    mounts: {
      ...options.pages,
      '/unsubscribe': (event) => serial(() => unsubscribe(event, LAMBDA_CONTEXT)),
    },
  });

  const sentLog = new SentLog(keep);
  const sms = new RecordingChannel();
  const push = new RecordingChannel();
  if (keep !== undefined)
    sentLog.listen(() => {
      ses.trim();
      keepLatest(sms.sent, keep);
      keepLatest(push.sent, keep);
    });
  const sesClient = new SESv2Client({
    ...CHANNEL_CLIENT_CONFIG,
    endpoint: ses.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const sesRequests: unknown[] = [];
  if (!options.serving)
    sesClient.middlewareStack.add(
      (next) => async (args) => {
        sesRequests.push(args.input);
        return next(args);
      },
      { step: 'initialize', name: 'cairnLocalRecordRequests' },
    );
  const router = channelRouter({
    email: new SesEmailChannel({
      client: sesClient,
      from: options.emailFrom ?? 'Cairn Local <cairn@example.com>',
    }),
    sms,
    push,
  });
  const channel = observedChannel(wrap.channel ? wrap.channel(router) : router, now, sentLog);
  const unsubscribeLinks = { baseUrl: `${endpoint.url}/unsubscribe`, keys: unsubscribeKeys };
  const ingestObs = observability('ingest');
  const ingestPorts = engineFunction(ingestObs, composeApplyPorts);
  const timersObs = observability('timers');
  const timersPorts = engineFunction(timersObs, composeApplyPorts);
  const deliverObs = observability('deliver');
  const deliverPorts = engineFunction(deliverObs, (composition) =>
    composeDeliverPorts({ ...composition, channel, unsubscribe: unsubscribeLinks }),
  );
  // Real URLs (loopback in the tests); there is no local Lambda, so a Lambda call fails as not configured.
  const http = new HttpCaller({ secrets: localSecrets(options.secrets ?? {}, process.env) });
  const caller = callRouter({ http: options.wrapCaller ? options.wrapCaller(http) : http });
  const callsObs = observability('calls');
  const callsPorts = engineFunction(callsObs, (composition) => composeCallPorts({ ...composition, caller }));
  const stop = async () => {
    sesClient.destroy();
    await Promise.all([endpoint.stop(), ses.stop(), dynamo.stop()]);
  };
  // Each registers the journeys it ships and reads the registry now, as a function does at its cold start: a
  // registry that cannot be read stops the start, not the first event. One after the other, so that the first
  // registers and the others find the versions stored.
  try {
    for (const ports of [ingestPorts, timersPorts, deliverPorts, callsPorts]) await ports();
  } catch (error) {
    await stop();
    throw error;
  }
  const runPorts: AudienceRunPorts = {
    runs: new DynamoAudienceRunStore(onTable(table)),
    customers: {
      async *pages() {
        const scan = { client: table.documents, tableName };
        for await (const page of scanStates(scan, { segment: 0, totalSegments: 1 })) yield page.states;
      },
    },
    events: exits.events,
    timers: timers ?? tableTimers,
    catalogs: tableCatalogRefresher(table, config.catalog, now),
    lifecycle: config.lifecycle,
    defaultTimezone: config.defaultTimezone,
    now,
    ...(options.serving ? {} : { observer }),
  };
  // As EventBridge Scheduler starts a run's state machine on AWS: from this start on, at each run's minute.
  const scheduled = new ScheduledRuns(
    options.wrapRunPorts ? options.wrapRunPorts(runPorts) : runPorts,
    now() - 1,
  );
  const ingest = ingestHandler(ingestPorts, ingestObs);
  // Feedback reads no journeys and no customer state: suppressions to the table, events onto ingest.
  const feedbackPorts = composeFeedbackPorts({ table, events: exits.events, now });
  const feedback = feedbackHandler(async () => feedbackPorts, observability('feedback'));
  const deliver = deliverHandler(deliverPorts, deliverObs);
  const calls = callsHandler(callsPorts, callsObs);
  // One timer at a time, as the simulator sweeps, so that a local run is repeatable and equals the simulation.
  const sweep = timersHandler(timersPorts, timersObs, { concurrency: 1 });

  /** Fires the timers due now; the sweep goes on within the minute until nothing more is due. */
  const fireTimers = () =>
    serial(async () => {
      await runPorts.catalogs.refreshIfStale?.();
      await scheduled.startDue();
      for (let more = true; more; ) {
        const report = await sweep(
          { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(now()).toISOString() },
          LAMBDA_CONTEXT,
        );
        more = report.more && report.fired >= SWEEP_LIMIT;
      }
    });

  /** Up to `workers` batches at once, as that many function instances would take them. */
  async function runBatch(
    queue: LocalQueue,
    handler: (event: unknown, context: Context) => Promise<BatchResponse | undefined>,
    size: number,
    workers = 1,
  ): Promise<boolean> {
    const batches: ReturnType<LocalQueue['receive']>[] = [];
    for (let batch = queue.receive(size); batch.length > 0; batch = queue.receive(size)) {
      batches.push(batch);
      if (batches.length >= workers) break;
    }
    if (batches.length === 0) return false;
    await Promise.all(
      batches.map(async (batch) => {
        const response = await handler(sqsEvent(queue.name, batch), LAMBDA_CONTEXT);
        queue.settle(batch, new Set(response?.batchItemFailures.map((f) => f.itemIdentifier) ?? []));
      }),
    );
    return true;
  }

  const drain = () =>
    serial(async () => {
      // Ingest first: a send is decided only after every event that could have ended its journey.
      // Deliver runs a batch's records in parallel; one record per batch keeps a local run repeatable (on AWS,
      // the conditional writes order concurrent sends to one customer).
      while (
        (await runBatch(ingestQueue, ingest, LOCAL_BATCH.ingest)) ||
        (await runBatch(feedbackQueue, feedback, LOCAL_BATCH.feedback)) ||
        (await runBatch(sendQueue, deliver, LOCAL_BATCH.deliver)) ||
        (await runBatch(callQueue, calls, LOCAL_BATCH.calls, options.callWorkers ?? 1))
      ) {}
    });

  stack = {
    endpoint: endpoint.url,
    ses,
    dynamo,
    tableName,
    config,
    tally,
    results,
    deadLetters,
    redriven,
    sms,
    push,
    sent: sentLog.latest,
    get sentTotal() {
      return sentLog.total;
    },
    onSent: (listener) => sentLog.listen(listener),
    stateLocation: dataDir ?? 'memory',
    sesRequests,
    eventsPut: 0,
    feedback(record) {
      feedbackQueue.send(JSON.stringify(record));
    },
    redriveSend(intent) {
      sendQueue.send(JSON.stringify({ intent }));
    },
    drain,
    work: (deadline) =>
      serial(async () => {
        for (;;) {
          const ingested = await runBatch(ingestQueue, ingest, LOCAL_BATCH.ingest);
          const fed = await runBatch(feedbackQueue, feedback, LOCAL_BATCH.feedback);
          // As many sends as ingest took events, one at a time, so sends keep pace with what ingest makes.
          let delivered = 0;
          while (delivered < LOCAL_BATCH.ingest && (await runBatch(sendQueue, deliver, LOCAL_BATCH.deliver)))
            delivered++;
          const called = await runBatch(callQueue, calls, LOCAL_BATCH.calls, options.callWorkers ?? 1);
          if (!ingested && !fed && delivered === 0 && !called) return false;
          if (Date.now() >= deadline) return true;
        }
      }),
    fireTimers,
    runs: runPorts.runs,
    runErrors: scheduled.errors,
    enqueueSend: (send) => exits.sends.enqueue([{ send, delaySeconds: 0 }]),
    async sweepTimers() {
      await fireTimers();
      await drain();
    },
    nextPacedAt() {
      return paced.nextAfter(now());
    },
    nextWakeAt() {
      return earliest([
        scheduled.nextAt(),
        timers?.nextDueAt(),
        ingestQueue.nextVisibleAt(),
        feedbackQueue.nextVisibleAt(),
        sendQueue.nextVisibleAt(),
        callQueue.nextVisibleAt(),
      ]);
    },
    stop,
  };
  return stack;
}

/** Resolves once the queue holds fewer than `backlog` messages (checked every few milliseconds). */
async function room(queue: LocalQueue, backlog: number): Promise<void> {
  while (queue.depth >= backlog) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Runs tasks one after the other, in the order they were asked for. */
function serialiser() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = last.then(task, task);
    last = next.catch(() => undefined);
    return next;
  };
}

/** The SQS event an event source mapping hands a function. */
function sqsEvent(queue: string, batch: readonly LocalMessage[]) {
  return {
    Records: batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: { ApproximateReceiveCount: String(message.receiveCount) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cairn-${queue}`,
      awsRegion: LOCAL_REGION,
    })),
  };
}
