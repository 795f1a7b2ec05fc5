import { type CallStub, StubCaller } from '../calls/stubs.ts';
import { type CustomerState, newCustomerState, type SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { replayArrival } from '../events/limits.ts';
import type { QueuedCall } from '../ports/call-queue.ts';
import {
  type ChannelPort,
  type ChannelResult,
  channelRouter,
  type OutboundMessage,
} from '../ports/channel.ts';
import type { DeadLetter } from '../ports/dead-letters.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';
import type { Observation, Observer } from '../ports/observer.ts';
import type { PortWrappers } from '../ports/port-wrappers.ts';
import type { QueuedSend, SendQueue } from '../ports/send-queue.ts';
import type { TextRecords } from '../ports/text-records.ts';
import type { Profile } from '../profile/profile.ts';
import { type AudienceRunPorts, ScheduledRuns } from '../runtime/audience-runs.ts';
import { type CallPorts, performCall } from '../runtime/call.ts';
import { VirtualClock } from '../runtime/clock.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import { type DeliverPorts, deliverSend } from '../runtime/deliver.ts';
import { deliverPorts } from '../runtime/deliver-ports.ts';
import { earliest, LOCAL_BATCH, type Machine, PacedTimes, runUntil } from '../runtime/drive.ts';
import { type FeedbackPorts, type FeedbackReport, handleFeedback } from '../runtime/feedback.ts';
import { InMemoryAudienceRunStore } from '../runtime/in-memory-audience-run-store.ts';
import { InMemoryCallLedger } from '../runtime/in-memory-call-ledger.ts';
import { InMemoryCallSlots } from '../runtime/in-memory-call-slots.ts';
import { InMemoryCustomerStateStore } from '../runtime/in-memory-customer-state-store.ts';
import { InMemoryPolicyStore } from '../runtime/in-memory-policy-store.ts';
import { InMemoryQueue, type QueueMessage } from '../runtime/in-memory-queue.ts';
import { InMemorySendRateCounters } from '../runtime/in-memory-send-rate.ts';
import { InMemoryTimerStore } from '../runtime/in-memory-timer-store.ts';
import { type ApplyPorts, applyInput, ingest } from '../runtime/ingest.ts';
import { type CatalogSource, fixedCatalog, JourneyCatalogRefresher } from '../runtime/journey-catalog.ts';
import { RecordingChannel } from '../runtime/recording-channel.ts';
import { fireDueTimers, SWEEP_LIMIT } from '../runtime/timers.ts';
import { type ApplyAdapters, applyPorts, type RuntimeSetting } from '../runtime/use-case-ports.ts';
import { userIdOf } from './customer.ts';
import { noteWaits, type QueueWait } from './queue-waits.ts';
import { type RetiredRecords, Tally } from './tally.ts';

/** Where the stores that grow with a simulation's customers keep their text (SimulationOptions.texts). */
export type SimulationTexts = { states: TextRecords; claims: TextRecords; timers: TextRecords };

export type SimulationOptions = {
  /** The journeys, lifecycle model, delivery policies and templates, as a function runs them. */
  config: RuntimeConfig;
  /** Profiles known before the first event, e.g. from a journey test. */
  profiles?: ReadonlyMap<string, Profile>;
  /** Told every observation after the tally, in virtual-time order (timelines, `cairn explain`). */
  observer?: Observer;
  /**
   * Journey versions and statuses to follow, as a deployed function follows the table's: each function
   * (ingest, timers, deliver) refreshes its catalog from it before it runs, at most once a virtual minute,
   * so a journey paused here is paused within a minute, as on AWS. Without it, the journeys as loaded.
   */
  registry?: JourneyRegistry;
  /**
   * The real clock, for replays of event files: an event dated past both the replay's clock and the real
   * clock by more than the future window arrives at once and is refused (events/limits.ts, replayArrival).
   * Without it (journey tests, explain of a file's own timeline), every event arrives at its own time.
   */
  wallClock?: () => number;
  /** How call steps' calls are answered (fixed answers, failures, timeouts); a call no stub answers fails. */
  calls?: readonly CallStub[];
  /** Decorators around the adapters (the chaos harness's faults, core/chaos/); none by default. */
  wrap?: PortWrappers;
  /**
   * Whether the channels keep every message they are handed (`channels.*.sent`); true by default. A long run
   * that watches the provider through `wrap.channel` keeps none, so that memory does not grow with messages.
   */
  keepSent?: boolean;
  /** Wraps the ports of scheduled journeys' runs, for tests that inject faults into a run. */
  wrapRunPorts?: (ports: AudienceRunPorts) => AudienceRunPorts;
  /** Where the tally hands each record once it is final, instead of keeping it (Tally's `retire`). */
  retire?: RetiredRecords;
  /**
   * Where the customer states, the send ledger's claims and the pending timers keep their JSON text: Maps in
   * the heap by default. `cairn simulate` passes spill files, so that a share's heap does not grow with them.
   */
  texts?: SimulationTexts;
  /**
   * Told of each queue message handled after it became visible, or at a paced stop of this simulation: the
   * stops of the clock that decide when it is handled are shared with other customers (simulate/subset.ts).
   */
  onWait?: (wait: QueueWait) => void;
};

/** The catalog of each function that runs the engine, as the local stack and AWS have one per function. */
type Catalogs = {
  ingest: CatalogSource;
  timers: CatalogSource;
  deliver: CatalogSource;
  calls: CatalogSource;
};

/** A message a queue gave up on after its last receive, like an SQS redrive to a dead-letter queue. */
export type Redriven = { queue: string; messageId: string; receiveCount: number; error: string };

/** Links in simulated messages point here; nothing is served. */
export const SIMULATED_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/';
/** Simulated links are signed with a fixed key, so that a run is repeatable. */
const SIMULATED_KEYS = { current: new Uint8Array(32) };

/**
 * The runtime on this machine's memory: the same use cases as the Lambda handlers (ingest, deliver, the
 * timer sweep) over in-memory ports (state store, policy store and ledger, timer store, queues that behave
 * like SQS, channels that record), moved on virtual time by the same driver as the local stack
 * (runtime/drive.ts). It decides nothing itself: what it reports is what the use cases observed.
 */
export class Simulation implements Machine {
  readonly clock = new VirtualClock(Number.NEGATIVE_INFINITY);
  readonly tally: Tally;
  readonly states: InMemoryCustomerStateStore;
  readonly timers: InMemoryTimerStore;
  readonly policyStore: InMemoryPolicyStore;
  readonly deadLetters: DeadLetter[] = [];
  readonly redriven: Redriven[] = [];
  readonly callLedger = new InMemoryCallLedger();
  /** The send-rate counters of journeys with a limit, and the seconds their sends asked for. */
  readonly rates = new InMemorySendRateCounters();
  /** The runs of scheduled journeys, as recorded. */
  readonly runs = new InMemoryAudienceRunStore();
  private scheduled: ScheduledRuns | undefined;
  private readonly paced = new PacedTimes();
  /** Every second a paced send was reserved for (ms): the clock stopped at each (Machine.nextPacedAt). */
  readonly pacedStops = new Set<number>();
  private readonly runPorts: AudienceRunPorts;
  /** The calls made, as the stubs were asked. */
  readonly caller: StubCaller;
  /** What each channel was handed, rendered. */
  readonly channels: { email: RecordingChannel; sms: RecordingChannel; push: RecordingChannel };
  eventsIn = 0;
  lateEvents = 0;
  private readonly ingestQueue: InMemoryQueue<unknown>;
  private readonly sendQueue: InMemoryQueue<QueuedSend>;
  private readonly callQueue: InMemoryQueue<QueuedCall>;
  private readonly call: CallPorts;
  private readonly apply: ApplyPorts;
  private readonly applyTimers: ApplyPorts;
  private readonly deliver: DeliverPorts;
  private readonly feedbackPorts: FeedbackPorts;
  private readonly catalogs: Catalogs;
  private readonly errors = new Map<string, string>();
  private seeded = false;

  constructor(private readonly options: SimulationOptions) {
    const { config, wrap = {} } = options;
    const keep = { keep: options.keepSent ?? true };
    // Named by the message, not by how many a channel took before: a customer's ids are the same however the
    // customers are split across workers (the outcome log carries them).
    const accept = (message: OutboundMessage): ChannelResult => ({
      ok: true,
      providerMessageId: `recorded-${message.intent.messageId}`,
    });
    this.channels = {
      email: new RecordingChannel(accept, keep),
      sms: new RecordingChannel(accept, keep),
      push: new RecordingChannel(accept, keep),
    };
    this.tally = new Tally(config.catalog, options.retire);
    const now = () => this.clock.now();
    const onDeadLetter = (message: QueueMessage<unknown>, queue: string) =>
      this.redriven.push({
        queue,
        messageId: message.messageId,
        receiveCount: message.receiveCount,
        error: this.errors.get(message.messageId) ?? 'unknown',
      });
    this.ingestQueue = new InMemoryQueue('ingest', this.clock, { onDeadLetter });
    this.sendQueue = new InMemoryQueue<QueuedSend>('send', this.clock, { onDeadLetter });
    this.callQueue = new InMemoryQueue<QueuedCall>('calls', this.clock, { onDeadLetter });
    this.caller = new StubCaller(options.calls ?? []);
    this.timers = new InMemoryTimerStore(options.texts ? { texts: options.texts.timers } : {});
    this.states = new InMemoryCustomerStateStore({
      // As JSON text, as DynamoDB holds them: a share of many customers keeps less than their objects.
      keep: 'text',
      suppressionsOf: (addresses) => this.policyStore.suppressed(addresses),
      ...(options.texts ? { texts: options.texts.states } : {}),
    });
    this.policyStore = new InMemoryPolicyStore({
      customers: this.states,
      ...(options.texts ? { texts: options.texts.claims } : {}),
    });
    const observer: Observer = {
      observe: (observation: Observation) => {
        this.tally.observe(observation);
        options.observer?.observe(observation);
      },
    };
    this.catalogs = catalogsOf(options, now);
    const sends: SendQueue = {
      enqueue: async (messages) => {
        for (const { send, delaySeconds } of messages) {
          this.sendQueue.send(send, delaySeconds);
          if (send.slot !== undefined) {
            this.paced.note(send.slot * 1000);
            this.pacedStops.add(send.slot * 1000);
          }
        }
      },
    };
    const adapters: ApplyAdapters = {
      states: wrap.states ? wrap.states(this.states) : this.states,
      timers: this.timers,
      sends: wrap.sends ? wrap.sends(sends) : sends,
      events: {
        publish: async (events) => {
          for (const event of events) this.ingestQueue.send(event);
        },
      },
      deadLetters: {
        put: async (letter) => {
          this.deadLetters.push(letter);
        },
      },
      calls: {
        enqueue: async (messages) => {
          for (const { call, delaySeconds } of messages) this.callQueue.send(call, delaySeconds);
        },
      },
      observer,
    };
    const settingOf = (catalogs: CatalogSource): RuntimeSetting => ({ config, catalogs, now });
    // Virtual time: a write lost to a concurrent one (only ever an injected fault here) is retried at once.
    const portsOf = (catalogs: CatalogSource): ApplyPorts => ({
      ...applyPorts(adapters, settingOf(catalogs)),
      retry: { sleep: async () => {} },
    });
    this.apply = portsOf(this.catalogs.ingest);
    this.applyTimers = portsOf(this.catalogs.timers);
    // As the feedback function: suppressions to the policy store, customer events onto the ingest queue.
    this.feedbackPorts = { policyStore: this.policyStore, events: adapters.events, now };
    const router: ChannelPort = channelRouter(this.channels);
    this.deliver = deliverPorts(
      portsOf(this.catalogs.deliver),
      {
        policyStore: wrap.policyStore ? wrap.policyStore(this.policyStore) : this.policyStore,
        channel: wrap.channel ? wrap.channel(router) : router,
        unsubscribe: { baseUrl: SIMULATED_UNSUBSCRIBE_URL, keys: SIMULATED_KEYS },
        rates: this.rates,
      },
      settingOf(this.catalogs.deliver),
    );
    const runPorts: AudienceRunPorts = {
      runs: this.runs,
      customers: { pages: () => this.states.pages() },
      events: adapters.events,
      timers: this.timers,
      catalogs: this.catalogs.timers,
      lifecycle: config.lifecycle,
      defaultTimezone: config.defaultTimezone,
      now,
      observer,
    };
    this.runPorts = options.wrapRunPorts ? options.wrapRunPorts(runPorts) : runPorts;
    this.call = {
      apply: portsOf(this.catalogs.calls),
      ledger: this.callLedger,
      caller: this.caller,
      slots: new InMemoryCallSlots(),
      now,
    };
  }

  get now(): number {
    return this.clock.now();
  }

  /** Puts one event on the ingest queue at its time (see put). */
  processEvent(event: CustomerEvent): Promise<void> {
    return this.put(event, Date.parse(event.time));
  }

  /**
   * Puts what an event file's line holds on the ingest queue at `at`, after everything due before it. An event
   * earlier than the clock arrives late: it is put now, as the runtime receives a late delivery, and counted.
   * `received` may break the contract: ingest dead-letters it, as on AWS.
   */
  async put(received: unknown, at: number | undefined): Promise<void> {
    await this.arrive(at, this.options.wallClock?.());
    this.receive(received, at);
    await this.drain();
  }

  /**
   * The first half of `put`: runs the clock to the time a line dated `at` arrives, given the real clock's
   * reading `wallNow` (see wallClock). A partition of the simulator (simulate/partition-run.ts) calls it for
   * every line of the file, its customers' or not, so that its clock stops where one simulation's would.
   */
  async arrive(at: number | undefined, wallNow: number | undefined): Promise<void> {
    // The clock starts at the first event, as the local stack's does, before anything reads it.
    if (!this.seeded && at !== undefined && Number.isFinite(at)) this.clock.advanceTo(at);
    await this.seed();
    if (at !== undefined && Number.isFinite(at))
      await runUntil(
        this,
        this.clock,
        wallNow === undefined ? at : replayArrival(at, this.clock.now(), wallNow),
      );
  }

  /** The second half of `put`, once arrived: the line on the ingest queue, counted (late when before the clock). */
  receive(received: unknown, at: number | undefined): void {
    if (at !== undefined && Number.isFinite(at) && at < this.clock.now()) this.lateEvents++;
    this.eventsIn++;
    this.ingestQueue.send(received);
  }

  /**
   * Hands one provider feedback record (an SES event, an SMS delivery event...: what the feedback function
   * receives) to the feedback use case at `at`, after everything due before it, and runs what it publishes.
   */
  async feedback(record: unknown, at: number): Promise<FeedbackReport> {
    await this.runTo(at);
    const report = await handleFeedback(record, this.feedbackPorts);
    await this.drain();
    return report;
  }

  /**
   * Puts a dead-lettered send's intent back on the send queue, undecided, as a redrive of the dead-letter
   * queue does once the provider is back (docs/runtime.md, `deliver`).
   */
  redriveSend(intent: SendIntent): void {
    this.sendQueue.send({ intent });
  }

  /** Runs everything due up to and including `at`, without closing the tally (see finish). */
  async runTo(at: number): Promise<void> {
    if (!this.seeded) this.clock.advanceTo(at);
    await this.seed();
    await runUntil(this, this.clock, at);
  }

  /** The customer's state as stored now, or undefined for a customer never seen. */
  stateOf(userId: string): CustomerState | undefined {
    return this.states.peek(userId);
  }

  /** Runs everything due up to and including `until`, then closes the tally. */
  async finish(until: number): Promise<void> {
    if (!this.seeded) this.clock.advanceTo(until);
    await this.seed();
    await runUntil(this, this.clock, until);
    this.tally.finalize();
  }

  /** How many timers are still pending. */
  pendingTimers(): number {
    return this.timers.size;
  }

  async drain(): Promise<void> {
    // Ingest first: a send is decided only after every event that could have ended its journey.
    while ((await this.runIngest()) || (await this.runDeliver()) || (await this.runCalls())) {}
  }

  async sweepTimers(): Promise<void> {
    // As EventBridge Scheduler starts a run's state machine at its minute, before that minute's timers.
    await this.scheduled?.startDue();
    await this.drain();
    const origin = `timer:${new Date(this.now).toISOString()}`;
    for (let more = true; more; ) {
      // As a timers invocation does before it sweeps (handlers/shared/journey-catalog.ts, refreshing).
      await this.catalogs.timers.refreshIfStale?.();
      const report = await fireDueTimers({
        timers: this.timers,
        now: this.now,
        limit: SWEEP_LIMIT,
        fire: async (timer) => {
          await applyInput(timer.userId, { kind: 'timer', timer }, this.applyTimers, origin);
        },
        // One at a time, as the local stack sweeps, so that a run is repeatable.
        concurrency: 1,
      });
      more = report.more && report.fired >= SWEEP_LIMIT;
    }
    await this.drain();
  }

  nextPacedAt(): number | undefined {
    return this.paced.nextAfter(this.now);
  }

  nextWakeAt(): number | undefined {
    return earliest([
      this.scheduled?.nextAt(),
      this.timers.nextDueAt(),
      this.ingestQueue.nextVisibleAt(),
      this.sendQueue.nextVisibleAt(),
      this.callQueue.nextVisibleAt(),
    ]);
  }

  private async runIngest(): Promise<boolean> {
    return this.runBatch(
      this.ingestQueue,
      LOCAL_BATCH.ingest,
      this.catalogs.ingest,
      (message) => ingest(message.body, this.apply, message.messageId),
      userIdOf,
    );
  }

  private async runDeliver(): Promise<boolean> {
    return this.runBatch(
      this.sendQueue,
      LOCAL_BATCH.deliver,
      this.catalogs.deliver,
      (message) => deliverSend(message.body, this.deliver, message.messageId),
      (body) => body.intent.userId,
    );
  }

  private async runCalls(): Promise<boolean> {
    return this.runBatch(
      this.callQueue,
      LOCAL_BATCH.calls,
      this.catalogs.calls,
      (message) => performCall(message.body, this.call, message.messageId),
      (body) => body.intent.userId,
    );
  }

  /** One receive of a queue, each message handled in turn; one that throws stays, to be received again. */
  private async runBatch<T>(
    queue: InMemoryQueue<T>,
    size: number,
    catalog: CatalogSource,
    handle: (message: QueueMessage<T>) => Promise<unknown>,
    customerOf: (body: T) => string,
  ): Promise<boolean> {
    const batch = queue.receive(size);
    if (batch.length === 0) return false;
    const { onWait } = this.options;
    if (onWait) noteWaits(batch, customerOf, this.now, this.pacedStops, onWait);
    // As an invocation does before it handles its batch (handlers/shared/journey-catalog.ts, refreshing).
    await catalog.refreshIfStale?.();
    const failed = new Set<string>();
    for (const message of batch) {
      try {
        await handle(message);
      } catch (error) {
        failed.add(message.messageId);
        this.errors.set(message.messageId, error instanceof Error ? error.message : String(error));
      }
    }
    queue.settle(batch, failed);
    return true;
  }

  /** The profiles known before the first event become stored customers, as an import would make them. */
  private async seed(): Promise<void> {
    if (this.seeded) return;
    this.seeded = true;
    // Each function registers its journeys and reads the registry at its cold start, one after the other.
    for (const catalog of [
      this.catalogs.ingest,
      this.catalogs.timers,
      this.catalogs.deliver,
      this.catalogs.calls,
    ])
      await catalog.refreshIfStale?.();
    // A copy: the store freezes what it keeps, and the caller's profiles stay theirs.
    for (const [userId, profile] of this.options.profiles ?? [])
      await this.states.save({ ...newCustomerState(userId), profile: structuredClone(profile) }, undefined);
    // Runs start from the clock's start on: a schedule's runs before it are not this simulation's.
    this.scheduled = new ScheduledRuns(this.runPorts, this.clock.now() - 1);
  }

  /** Errors of runs that failed and are tried again at the next minute. */
  get runErrors(): readonly { journeyId: string; run: string; error: string }[] {
    return this.scheduled?.errors ?? [];
  }
}

/** A refresher per function over the registry when there is one; otherwise the journeys as loaded, for all. */
function catalogsOf(options: SimulationOptions, now: () => number): Catalogs {
  const { registry, config } = options;
  if (!registry) {
    const fixed = fixedCatalog(config.catalog);
    return { ingest: fixed, timers: fixed, deliver: fixed, calls: fixed };
  }
  const refresher = () => new JourneyCatalogRefresher({ bundled: config.catalog, registry, clock: now });
  return { ingest: refresher(), timers: refresher(), deliver: refresher(), calls: refresher() };
}
