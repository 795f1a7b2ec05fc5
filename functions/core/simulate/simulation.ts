import { StubCaller } from '../calls/stubs.ts';
import { type CustomerState, newCustomerState, type SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { replayArrival } from '../events/limits.ts';
import type { QueuedCall } from '../ports/call-queue.ts';
import type { DeadLetter } from '../ports/dead-letters.ts';
import type { QueuedSend } from '../ports/send-queue.ts';
import { type AudienceRunPorts, ScheduledRuns } from '../runtime/audience-runs.ts';
import { type CallPorts, performCall } from '../runtime/call.ts';
import { VirtualClock } from '../runtime/clock.ts';
import { type DeliverPorts, deliverSend } from '../runtime/deliver.ts';
import { earliest, LOCAL_BATCH, type Machine, PacedTimes, runUntil } from '../runtime/drive.ts';
import { type FeedbackPorts, type FeedbackReport, handleFeedback } from '../runtime/feedback.ts';
import { InMemoryAudienceRunStore } from '../runtime/in-memory-audience-run-store.ts';
import { InMemoryCallLedger } from '../runtime/in-memory-call-ledger.ts';
import { InMemoryCustomerStateStore } from '../runtime/in-memory-customer-state-store.ts';
import { InMemoryPolicyStore } from '../runtime/in-memory-policy-store.ts';
import { InMemoryQueue, type QueueMessage } from '../runtime/in-memory-queue.ts';
import { InMemorySendRateCounters } from '../runtime/in-memory-send-rate.ts';
import { InMemoryTimerStore } from '../runtime/in-memory-timer-store.ts';
import { type ApplyPorts, applyInput, ingest } from '../runtime/ingest.ts';
import type { CatalogSource } from '../runtime/journey-catalog.ts';
import { fireDueTimers, SWEEP_LIMIT } from '../runtime/timers.ts';
import { userIdOf } from './customer.ts';
import { runQueueBatch } from './queue-batch.ts';
import type { SimulationOptions } from './simulation-options.ts';
import {
  type Catalogs,
  recordingChannels,
  type SimulationChannels,
  simulationPorts,
} from './simulation-ports.ts';
import { Tally } from './tally.ts';

/** A message a queue gave up on after its last receive, like an SQS redrive to a dead-letter queue. */
export type Redriven = { queue: string; messageId: string; receiveCount: number; error: string };

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
  readonly channels: SimulationChannels;
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
    this.channels = recordingChannels(options.keepSent);
    this.tally = new Tally(options.config.catalog, options.retire);
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
      ...(options.hotStateChars === undefined ? {} : { hotChars: options.hotStateChars }),
      suppressionsOf: (addresses) => this.policyStore.suppressed(addresses),
      ...(options.texts ? { texts: options.texts.states } : {}),
    });
    this.policyStore = new InMemoryPolicyStore({
      customers: this.states,
      ...(options.texts ? { texts: options.texts.claims } : {}),
    });
    const ports = simulationPorts(
      {
        clock: this.clock,
        tally: this.tally,
        states: this.states,
        timers: this.timers,
        policyStore: this.policyStore,
        deadLetters: this.deadLetters,
        callLedger: this.callLedger,
        rates: this.rates,
        runs: this.runs,
        caller: this.caller,
        channels: this.channels,
        ingestQueue: this.ingestQueue,
        sendQueue: this.sendQueue,
        callQueue: this.callQueue,
        paced: this.paced,
        pacedStops: this.pacedStops,
      },
      options,
    );
    this.catalogs = ports.catalogs;
    this.apply = ports.apply;
    this.applyTimers = ports.applyTimers;
    this.feedbackPorts = ports.feedbackPorts;
    this.deliver = ports.deliver;
    this.runPorts = ports.runPorts;
    this.call = ports.call;
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
    const { now, pacedStops, errors } = this;
    return runQueueBatch(queue, size, catalog, handle, customerOf, {
      now,
      pacedStops,
      onWait: this.options.onWait,
      errors,
    });
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
