import { DynamoAudienceRunStore } from '../adapters/dynamodb/audience-run-store.ts';
import { scanStates } from '../adapters/dynamodb/state-scan.ts';
import { HttpCaller } from '../adapters/http/http-caller.ts';
import {
  type ApplyComposition,
  composeApplyPorts,
  type EffectExits,
  tableCatalogRefresher,
} from '../composition/apply.ts';
import { composeCallPorts } from '../composition/calls.ts';
import { composeDeliverPorts } from '../composition/deliver.ts';
import { composeFeedbackPorts } from '../composition/feedback.ts';
import { onTable, type TableAccess } from '../composition/table.ts';
import { callRouter } from '../core/ports/call-port.ts';
import type { DeadLetter } from '../core/ports/dead-letters.ts';
import type { Observer } from '../core/ports/observer.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import type { SendQueue } from '../core/ports/send-queue.ts';
import type { TimerStore } from '../core/ports/timer-store.ts';
import type { AudienceRunPorts } from '../core/runtime/audience-runs.ts';
import type { RuntimeConfig } from '../core/runtime/config.ts';
import type { PacedTimes } from '../core/runtime/drive.ts';
import { callsHandler } from '../handlers/calls/index.ts';
import { deliverHandler } from '../handlers/deliver/index.ts';
import { feedbackHandler } from '../handlers/feedback/index.ts';
import { ingestHandler } from '../handlers/ingest/index.ts';
import { type Refreshing, refreshing } from '../handlers/shared/journey-catalog.ts';
import type { Observability } from '../handlers/shared/observability.ts';
import { timersHandler } from '../handlers/timers/index.ts';
import type { BatchHandler } from './lambda-invoke.ts';
import { localCallQueue, localEventPublisher, localSendQueue } from './local-queue.ts';
import { localSecrets } from './secrets.ts';
import { keepLatest } from './sent-log.ts';
import type { LocalStackOptions } from './stack-options.ts';
import type { LocalQueues } from './stack-storage.ts';

/** Where the use cases' effects go: the local queues and the stack's dead letters (the latest `keep`). */
export function localExits(
  queues: LocalQueues,
  paced: PacedTimes,
  deadLetters: DeadLetter[],
  keep: number | undefined,
  wrap: PortWrappers,
): EffectExits {
  const localSends = localSendQueue(queues.send);
  const sends: SendQueue = {
    // A send paced by its journey's send-rate limit is due at its second: the driver stops there.
    async enqueue(messages) {
      await localSends.enqueue(messages);
      for (const { send } of messages) if (send.slot !== undefined) paced.note(send.slot * 1000);
    },
  };
  return {
    sends: wrap.sends ? wrap.sends(sends) : sends,
    events: localEventPublisher(queues.ingest),
    calls: localCallQueue(queues.calls),
    deadLetters: {
      async put(letter) {
        deadLetters.push(letter);
        keepLatest(deadLetters, keep);
      },
    },
  };
}

/** What the functions that run the engine are wired on, as the handlers' wiring composes it on AWS. */
export type EngineSetting = {
  table: TableAccess;
  config: RuntimeConfig;
  now: () => number;
  exits: EffectExits;
  timers: TimerStore;
  observer: Observer | undefined;
  wrap: PortWrappers;
  observability: (service: string) => Observability;
};

/** The handlers of the local stack's functions, each on its own ports. */
export type LocalFunctions = {
  ingest: BatchHandler;
  feedback: BatchHandler;
  deliver: BatchHandler;
  calls: BatchHandler;
  sweep: ReturnType<typeof timersHandler>;
};

/**
 * Each function that runs the engine has its own catalog refresher over the registry in the table, as on AWS
 * (handlers/shared/wiring.ts), so a status changed with `cairn journeys` applies here within a minute too.
 */
function engineFunction<P>(
  setting: EngineSetting,
  obs: Observability,
  compose: (composition: ApplyComposition) => P,
): () => Promise<P> {
  const { table, config, now, exits, timers, observer, wrap } = setting;
  const refresher = tableCatalogRefresher(table, config.catalog, now);
  const wired: Refreshing<P> = {
    ports: compose({
      table,
      exits,
      timers: wrap.timers ? wrap.timers(timers) : timers,
      ...(observer ? { observer } : {}),
      ...(wrap.states ? { wrapStates: wrap.states } : {}),
      setting: { config, catalogs: refresher, now },
    }),
    refresher,
  };
  return refreshing(async () => wired, obs.logger);
}

/** A function that runs the engine: its ports, read (and refreshed) at each invocation, and its observability. */
type EngineFunction<P> = { ports: () => Promise<P>; obs: Observability };

/** The functions that run the engine, wired and started. */
export type EngineFunctions = {
  ingest: EngineFunction<ReturnType<typeof composeApplyPorts>>;
  timers: EngineFunction<ReturnType<typeof composeApplyPorts>>;
  deliver: EngineFunction<ReturnType<typeof composeDeliverPorts>>;
  calls: EngineFunction<ReturnType<typeof composeCallPorts>>;
};

/**
 * Wires the local functions and makes each register the journeys it ships and read the registry now, as a
 * function does at its cold start: a registry that cannot be read stops the start (`stop`), not the first
 * event. One after the other, so that the first registers and the others find the versions stored.
 */
export async function startEngineFunctions(
  setting: EngineSetting,
  delivery: Pick<Parameters<typeof composeDeliverPorts>[0], 'channel' | 'unsubscribe'>,
  options: Pick<LocalStackOptions, 'secrets' | 'wrapCaller'>,
  stop: () => Promise<void>,
): Promise<EngineFunctions> {
  const { observability } = setting;
  const ingestObs = observability('ingest');
  const ingestPorts = engineFunction(setting, ingestObs, composeApplyPorts);
  const timersObs = observability('timers');
  const timersPorts = engineFunction(setting, timersObs, composeApplyPorts);
  const deliverObs = observability('deliver');
  const deliverPorts = engineFunction(setting, deliverObs, (composition) =>
    composeDeliverPorts({ ...composition, ...delivery }),
  );
  // Real URLs (loopback in the tests); there is no local Lambda, so a Lambda call fails as not configured.
  const http = new HttpCaller({ secrets: localSecrets(options.secrets ?? {}, process.env) });
  const caller = callRouter({ http: options.wrapCaller ? options.wrapCaller(http) : http });
  const callsObs = observability('calls');
  const callsPorts = engineFunction(setting, callsObs, (composition) =>
    composeCallPorts({ ...composition, caller }),
  );
  try {
    for (const ports of [ingestPorts, timersPorts, deliverPorts, callsPorts]) await ports();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ingest: { ports: ingestPorts, obs: ingestObs },
    timers: { ports: timersPorts, obs: timersObs },
    deliver: { ports: deliverPorts, obs: deliverObs },
    calls: { ports: callsPorts, obs: callsObs },
  };
}

/** The ports of scheduled journeys' runs: the runs in the table, its customers scanned, as the runs function has. */
export function localRunPorts(setting: EngineSetting, serving: boolean | undefined): AudienceRunPorts {
  const { table, exits, timers, config, now, observer } = setting;
  return {
    runs: new DynamoAudienceRunStore(onTable(table)),
    customers: {
      async *pages() {
        const scan = { client: table.documents, tableName: table.tableName };
        for await (const page of scanStates(scan, { segment: 0, totalSegments: 1 })) yield page.states;
      },
    },
    events: exits.events,
    timers,
    catalogs: tableCatalogRefresher(table, config.catalog, now),
    lifecycle: config.lifecycle,
    defaultTimezone: config.defaultTimezone,
    now,
    ...(serving ? {} : { observer }),
  };
}

/** The handlers of the local functions, each on its own ports, as the event source mappings invoke them. */
export function localHandlers(engine: EngineFunctions, setting: EngineSetting): LocalFunctions {
  const { table, exits, now, observability } = setting;
  const { ingest, timers, deliver, calls } = engine;
  const ingestHandled = ingestHandler(ingest.ports, ingest.obs);
  // Feedback reads no journeys and no customer state: suppressions to the table, events onto ingest.
  const feedbackPorts = composeFeedbackPorts({ table, events: exits.events, now });
  return {
    ingest: ingestHandled,
    feedback: feedbackHandler(async () => feedbackPorts, observability('feedback')),
    deliver: deliverHandler(deliver.ports, deliver.obs),
    calls: callsHandler(calls.ports, calls.obs),
    // One timer at a time, as the simulator sweeps, so that a local run is repeatable and equals the simulation.
    sweep: timersHandler(timers.ports, timers.obs, { concurrency: 1 }),
  };
}
