import type { TableAccess } from '../composition/table.ts';
import { composeUnsubscribePorts } from '../composition/unsubscribe.ts';
import type { SendIntent } from '../core/engine/state.ts';
import { observeAll, outcomeObserver } from '../core/outcomes/observer.ts';
import type { AudienceRunStore } from '../core/ports/audience-run-store.ts';
import type { DeadLetter } from '../core/ports/dead-letters.ts';
import type { QueuedSend } from '../core/ports/send-queue.ts';
import { type AudienceRunPorts, ScheduledRuns } from '../core/runtime/audience-runs.ts';
import type { RuntimeConfig } from '../core/runtime/config.ts';
import { earliest, type Machine, PacedTimes } from '../core/runtime/drive.ts';
import type { RecordingChannel } from '../core/runtime/recording-channel.ts';
import { Tally } from '../core/simulate/tally.ts';
import { loadRuntimeConfig } from '../handlers/shared/config.ts';
import { unsubscribeHandler } from '../handlers/unsubscribe/index.ts';
import { openDataDir, unsubscribeKey } from './data-dir.ts';
import { LOCAL_REGION, type LocalDynamo } from './dynalite.ts';
import { type LocalEndpoint, startEndpoint } from './endpoint.ts';
import { LAMBDA_CONTEXT, LOCAL_ACCOUNT, room, serialiser } from './lambda-invoke.ts';
import type { ObservedTimerStore } from './observed-timers.ts';
import { SERVE_KEEP_LATEST, type SentMessage } from './sent-log.ts';
import type { SesLocal } from './ses-local.ts';
import { type LocalChannels, localChannels } from './stack-channels.ts';
import {
  type EngineSetting,
  localExits,
  localHandlers,
  localRunPorts,
  startEngineFunctions,
} from './stack-functions.ts';
import type { LocalStackOptions } from './stack-options.ts';
import {
  type LocalQueues,
  localQueues,
  localTimers,
  type RedrivenMessage,
  startServices,
} from './stack-storage.ts';
import { type LocalWork, localWork } from './stack-work.ts';
import { localObservability, MetricTally } from './tally-metrics.ts';

/** The ingest backlog at which a serving stack's PutEvents waits: about two seconds of work on 2 cores. */
export const SERVE_INGEST_BACKLOG = 200;

export type { SentMessage };

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

/**
 * The serverless runtime on this machine: the real ingest, deliver, timers, feedback and unsubscribe handlers, in this
 * process, against dynalite (DynamoDB API), aws-ses-v2-local (SES v2 API), a PutEvents endpoint, and queues in
 * memory that behave like SQS. Handlers run one at a time, so no write can be in flight while timers are swept.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const base = await openStack(options);
  const { setting, ses, dynamo } = base;
  const { now } = setting;
  const unsubscribeKeys = { current: await unsubscribeKey(options.dataDir) };
  let stack: LocalStack | undefined;
  const serial = serialiser();
  const endpoint = await startLocalEndpoint(options, base.queues, setting, unsubscribeKeys, serial, () => {
    if (stack) stack.eventsPut++;
  });
  const channels = localChannels({
    ses,
    keep: base.keep,
    serving: options.serving,
    emailFrom: options.emailFrom,
    wrap: setting.wrap,
    now,
  });
  const unsubscribe = { baseUrl: `${endpoint.url}/unsubscribe`, keys: unsubscribeKeys };
  const stop = async () => {
    channels.sesClient.destroy();
    await Promise.all([endpoint.stop(), ses.stop(), dynamo.stop()]);
  };
  const engine = await startEngineFunctions(
    setting,
    { channel: channels.channel, unsubscribe },
    options,
    stop,
  );
  const runPorts: AudienceRunPorts = localRunPorts(setting, options.serving);
  // As EventBridge Scheduler starts a run's state machine on AWS: from this start on, at each run's minute.
  const scheduled = new ScheduledRuns(
    options.wrapRunPorts ? options.wrapRunPorts(runPorts) : runPorts,
    now() - 1,
  );
  const functions = localHandlers(engine, setting);
  const work = localWork({
    ...{ queues: base.queues, functions, scheduled, runCatalog: runPorts.catalogs, serial, now },
    callWorkers: options.callWorkers,
  });
  stack = localStackOf({
    base,
    endpoint: endpoint.url,
    channels,
    runs: runPorts.runs,
    scheduled,
    work,
    stop,
  });
  return stack;
}

/** The stack's stores, queues and services, and the setting its engine functions are wired on. */
type StackBase = {
  config: RuntimeConfig;
  /** Keep only the latest this many messages and letters (a serving stack); all when absent. */
  keep: number | undefined;
  tally: MetricTally;
  results: Tally;
  deadLetters: DeadLetter[];
  redriven: RedrivenMessage[];
  queues: LocalQueues;
  dynamo: LocalDynamo;
  ses: SesLocal;
  tableName: string;
  /** A replay's timers, which remember when each is due; none for a serving stack. */
  timers: ObservedTimerStore | undefined;
  paced: PacedTimes;
  setting: EngineSetting;
  stateLocation: string;
};

/** Loads the journeys and opens the queues, the table, the local SES and the timers. */
async function openStack(options: LocalStackOptions): Promise<StackBase> {
  const { clock, dataDir } = options;
  const now = () => clock.now();
  const config = await loadRuntimeConfig(
    options.journeysDir,
    options.environment,
    options.defaultTimezone ?? 'UTC',
  );
  const keep = options.serving ? SERVE_KEEP_LATEST : undefined;
  if (dataDir !== undefined) await openDataDir(dataDir);
  const tally = new MetricTally();
  const deadLetters: DeadLetter[] = [];
  const redriven: RedrivenMessage[] = [];
  const queues = localQueues(clock, dataDir, keep, redriven);
  const { dynamo, ses, tableName } = await startServices(dataDir, options.sesPort, keep);
  const results = new Tally(config.catalog);
  const outcomes = options.outcomes && outcomeObserver(options.outcomes);
  // A serving stack counts (the handlers' metrics) rather than keeping a result of every message; the outcome
  // log, when asked for, is written either way.
  const observer = options.serving ? outcomes : observeAll(results, outcomes);
  const table: TableAccess = { documents: dynamo.documents, tableName };
  const { tableTimers, timers } = await localTimers(table, now, dataDir, options.serving);
  const wrap = options.wrap ?? {};
  const paced = new PacedTimes();
  const exits = localExits(queues, paced, deadLetters, keep, wrap);
  const setting: EngineSetting = {
    table,
    config,
    now,
    exits,
    timers: timers ?? tableTimers,
    observer,
    wrap,
    observability: (service) =>
      localObservability(service, tally, options.logLevel ?? 'SILENT', options.pii ?? 'masked'),
  };
  const stateLocation = dataDir ?? 'memory';
  return {
    config,
    keep,
    tally,
    results,
    deadLetters,
    redriven,
    queues,
    dynamo,
    ses,
    tableName,
    timers,
    paced,
    setting,
    stateLocation,
  };
}

/** The stack as its callers drive and read it, over what startLocalStack started. */
function localStackOf(parts: {
  base: StackBase;
  endpoint: string;
  channels: LocalChannels;
  runs: AudienceRunStore;
  scheduled: ScheduledRuns;
  work: LocalWork;
  stop: () => Promise<void>;
}): LocalStack {
  const { base, channels, scheduled, stop } = parts;
  const { queues, paced, timers, setting } = base;
  const { fireTimers, drain, work } = parts.work;
  const { sentLog } = channels;
  return {
    ...{ endpoint: parts.endpoint, ses: base.ses, dynamo: base.dynamo, tableName: base.tableName },
    ...{ config: base.config, tally: base.tally, results: base.results },
    ...{ deadLetters: base.deadLetters, redriven: base.redriven, sms: channels.sms, push: channels.push },
    sent: sentLog.latest,
    get sentTotal() {
      return sentLog.total;
    },
    onSent: (listener) => sentLog.listen(listener),
    stateLocation: base.stateLocation,
    sesRequests: channels.sesRequests,
    eventsPut: 0,
    feedback(record) {
      queues.feedback.send(JSON.stringify(record));
    },
    redriveSend(intent) {
      queues.send.send(JSON.stringify({ intent }));
    },
    ...{ drain, work, fireTimers, runs: parts.runs, runErrors: scheduled.errors },
    enqueueSend: (send) => setting.exits.sends.enqueue([{ send, delaySeconds: 0 }]),
    async sweepTimers() {
      await fireTimers();
      await drain();
    },
    nextPacedAt() {
      return paced.nextAfter(setting.now());
    },
    nextWakeAt() {
      return earliest([
        scheduled.nextAt(),
        timers?.nextDueAt(),
        queues.ingest.nextVisibleAt(),
        queues.feedback.nextVisibleAt(),
        queues.send.nextVisibleAt(),
        queues.calls.nextVisibleAt(),
      ]);
    },
    stop,
  };
}

/** The PutEvents endpoint onto the ingest queue, with the unsubscribe function mounted beside the pages. */
function startLocalEndpoint(
  options: LocalStackOptions,
  queues: LocalQueues,
  setting: EngineSetting,
  keys: { current: Uint8Array },
  serial: ReturnType<typeof serialiser>,
  onAccepted: () => void,
): Promise<LocalEndpoint> {
  const { exits, now } = setting;
  const unsubscribePorts = composeUnsubscribePorts({ keys, events: exits.events, now });
  const unsubscribe = unsubscribeHandler(async () => unsubscribePorts, setting.observability('unsubscribe'));
  return startEndpoint({
    ...(options.port === undefined ? {} : { port: options.port }),
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    now,
    accept: (event) => {
      queues.ingest.send(JSON.stringify(event));
      onAccepted();
    },
    ...(options.serving ? { admit: () => room(queues.ingest, SERVE_INGEST_BACKLOG) } : {}),
    mounts: {
      ...options.pages,
      '/unsubscribe': (event) => serial(() => unsubscribe(event, LAMBDA_CONTEXT)),
    },
  });
}
