import type { StubCaller } from '../calls/stubs.ts';
import type { QueuedCall } from '../ports/call-queue.ts';
import {
  type ChannelPort,
  type ChannelResult,
  channelRouter,
  type OutboundMessage,
} from '../ports/channel.ts';
import type { DeadLetter } from '../ports/dead-letters.ts';
import type { Observation, Observer } from '../ports/observer.ts';
import type { QueuedSend, SendQueue } from '../ports/send-queue.ts';
import type { AudienceRunPorts } from '../runtime/audience-runs.ts';
import type { CallPorts } from '../runtime/call.ts';
import type { VirtualClock } from '../runtime/clock.ts';
import type { DeliverPorts } from '../runtime/deliver.ts';
import { deliverPorts } from '../runtime/deliver-ports.ts';
import type { PacedTimes } from '../runtime/drive.ts';
import type { FeedbackPorts } from '../runtime/feedback.ts';
import type { InMemoryAudienceRunStore } from '../runtime/in-memory-audience-run-store.ts';
import type { InMemoryCallLedger } from '../runtime/in-memory-call-ledger.ts';
import { InMemoryCallSlots } from '../runtime/in-memory-call-slots.ts';
import type { InMemoryCustomerStateStore } from '../runtime/in-memory-customer-state-store.ts';
import type { InMemoryPolicyStore } from '../runtime/in-memory-policy-store.ts';
import type { InMemoryQueue } from '../runtime/in-memory-queue.ts';
import type { InMemorySendRateCounters } from '../runtime/in-memory-send-rate.ts';
import type { InMemoryTimerStore } from '../runtime/in-memory-timer-store.ts';
import type { ApplyPorts } from '../runtime/ingest.ts';
import { type CatalogSource, fixedCatalog, JourneyCatalogRefresher } from '../runtime/journey-catalog.ts';
import { RecordingChannel } from '../runtime/recording-channel.ts';
import { type ApplyAdapters, applyPorts, type RuntimeSetting } from '../runtime/use-case-ports.ts';
import type { SimulationOptions } from './simulation-options.ts';
import type { Tally } from './tally.ts';

/** Links in simulated messages point here; nothing is served. */
export const SIMULATED_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/';
/** Simulated links are signed with a fixed key, so that a run is repeatable. */
const SIMULATED_KEYS = { current: new Uint8Array(32) };

/** The catalog of each function that runs the engine, as the local stack and AWS have one per function. */
export type Catalogs = {
  ingest: CatalogSource;
  timers: CatalogSource;
  deliver: CatalogSource;
  calls: CatalogSource;
};

export type SimulationChannels = { email: RecordingChannel; sms: RecordingChannel; push: RecordingChannel };

/** The in-memory stores, queues and channels a simulation's use cases run on. */
export type SimulationParts = {
  clock: VirtualClock;
  tally: Tally;
  states: InMemoryCustomerStateStore;
  timers: InMemoryTimerStore;
  policyStore: InMemoryPolicyStore;
  deadLetters: DeadLetter[];
  callLedger: InMemoryCallLedger;
  rates: InMemorySendRateCounters;
  runs: InMemoryAudienceRunStore;
  caller: StubCaller;
  channels: SimulationChannels;
  ingestQueue: InMemoryQueue<unknown>;
  sendQueue: InMemoryQueue<QueuedSend>;
  callQueue: InMemoryQueue<QueuedCall>;
  /** Where a paced send's second is noted, for the driver and for the queue waits. */
  paced: PacedTimes;
  pacedStops: Set<number>;
};

/** The ports of each use case the simulation runs, over its parts. */
export type SimulationPorts = {
  catalogs: Catalogs;
  apply: ApplyPorts;
  applyTimers: ApplyPorts;
  deliver: DeliverPorts;
  feedbackPorts: FeedbackPorts;
  runPorts: AudienceRunPorts;
  call: CallPorts;
};

/** The channels of a simulation: each records what it is handed and accepts it. */
export function recordingChannels(keepSent: boolean | undefined): SimulationChannels {
  const keep = { keep: keepSent ?? true };
  // Named by the message, not by how many a channel took before: a customer's ids are the same however the
  // customers are split across workers (the outcome log carries them).
  const accept = (message: OutboundMessage): ChannelResult => ({
    ok: true,
    providerMessageId: `recorded-${message.intent.messageId}`,
  });
  return {
    email: new RecordingChannel(accept, keep),
    sms: new RecordingChannel(accept, keep),
    push: new RecordingChannel(accept, keep),
  };
}

/** Where the use cases' effects go: the simulation's queues, dead letters and tally, wrapped as asked. */
function simulationAdapters(parts: SimulationParts, options: SimulationOptions): ApplyAdapters {
  const { wrap = {} } = options;
  const observer: Observer = {
    observe: (observation: Observation) => {
      parts.tally.observe(observation);
      options.observer?.observe(observation);
    },
  };
  const sends: SendQueue = {
    enqueue: async (messages) => {
      for (const { send, delaySeconds } of messages) {
        parts.sendQueue.send(send, delaySeconds);
        if (send.slot !== undefined) {
          parts.paced.note(send.slot * 1000);
          parts.pacedStops.add(send.slot * 1000);
        }
      }
    },
  };
  return {
    states: wrap.states ? wrap.states(parts.states) : parts.states,
    timers: parts.timers,
    sends: wrap.sends ? wrap.sends(sends) : sends,
    events: {
      publish: async (events) => {
        for (const event of events) parts.ingestQueue.send(event);
      },
    },
    deadLetters: {
      put: async (letter) => {
        parts.deadLetters.push(letter);
      },
    },
    calls: {
      enqueue: async (messages) => {
        for (const { call, delaySeconds } of messages) parts.callQueue.send(call, delaySeconds);
      },
    },
    observer,
  };
}

/** The ports of ingest, the timer sweep, deliver, feedback, scheduled runs and calls, as the functions wire them. */
export function simulationPorts(parts: SimulationParts, options: SimulationOptions): SimulationPorts {
  const { config, wrap = {} } = options;
  const now = () => parts.clock.now();
  const catalogs = catalogsOf(options, now);
  const adapters = simulationAdapters(parts, options);
  const settingOf = (catalog: CatalogSource): RuntimeSetting => ({ config, catalogs: catalog, now });
  // Virtual time: a write lost to a concurrent one (only ever an injected fault here) is retried at once.
  const portsOf = (catalog: CatalogSource): ApplyPorts => ({
    ...applyPorts(adapters, settingOf(catalog)),
    retry: { sleep: async () => {} },
  });
  const router: ChannelPort = channelRouter(parts.channels);
  const runPorts: AudienceRunPorts = {
    runs: parts.runs,
    customers: { pages: () => parts.states.pages() },
    events: adapters.events,
    timers: parts.timers,
    catalogs: catalogs.timers,
    lifecycle: config.lifecycle,
    defaultTimezone: config.defaultTimezone,
    now,
    observer: adapters.observer,
  };
  return {
    catalogs,
    apply: portsOf(catalogs.ingest),
    applyTimers: portsOf(catalogs.timers),
    // As the feedback function: suppressions to the policy store, customer events onto the ingest queue.
    feedbackPorts: { policyStore: parts.policyStore, events: adapters.events, now },
    deliver: deliverPorts(
      portsOf(catalogs.deliver),
      {
        policyStore: wrap.policyStore ? wrap.policyStore(parts.policyStore) : parts.policyStore,
        channel: wrap.channel ? wrap.channel(router) : router,
        unsubscribe: { baseUrl: SIMULATED_UNSUBSCRIBE_URL, keys: SIMULATED_KEYS },
        rates: parts.rates,
      },
      settingOf(catalogs.deliver),
    ),
    runPorts: options.wrapRunPorts ? options.wrapRunPorts(runPorts) : runPorts,
    call: {
      apply: portsOf(catalogs.calls),
      ledger: parts.callLedger,
      caller: parts.caller,
      slots: new InMemoryCallSlots(),
      now,
    },
  };
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
