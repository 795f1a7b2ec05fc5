import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { DynamoJourneyRegistry } from '../../../functions/adapters/dynamodb/journey-registry.ts';
import type { EntryTimer, Timer } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { generateEvents } from '../../../functions/core/generate/generate.ts';
import { Population } from '../../../functions/core/lifecycle/population.ts';
import type { TimerStore } from '../../../functions/core/ports/timer-store.ts';
import { performAudienceRun } from '../../../functions/core/runtime/audience-runs.ts';
import type { RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { InMemoryAudienceRunStore } from '../../../functions/core/runtime/in-memory-audience-run-store.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { fixedCatalog } from '../../../functions/core/runtime/journey-catalog.ts';
import { changeJourneyStatus } from '../../../functions/core/runtime/journey-status.ts';
import { runsHandler } from '../../../functions/handlers/runs/index.ts';
import { RunTally } from '../../../functions/handlers/runs/requests.ts';
import { runPortsOn } from '../../../functions/handlers/runs/wiring.ts';
import { refreshing } from '../../../functions/handlers/shared/journey-catalog.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { lambdaContext, MemoryPublisher, sampleConfig } from '../support.ts';

// The weekly newsletter (journeys/weekly-newsletter.yaml): Mondays at 09:00 in each customer's own time, to the
// segment recent-buyers. Its run of Monday 2 March 2026 starts when UTC+14 reaches 09:00: 19:00 UTC the day before.
const JOURNEY = 'weekly-newsletter';
const RUN = '2026-03-02T09:00';
const RUN_START = Date.parse('2026-03-01T19:00:00Z');

/** Timers kept by id, as the table keeps one item per timer. */
class TimersById implements TimerStore {
  readonly timers = new Map<string, Timer>();
  async schedule(timer: Timer) {
    this.timers.set(timer.id, timer);
  }
  async cancel() {}
  async due() {
    return [];
  }
  async done() {}
}

let dynamo: LocalDynamo;
let config: RuntimeConfig;
const states = new InMemoryCustomerStateStore();

beforeAll(async () => {
  dynamo = await startDynalite();
  config = await sampleConfig();
  const population = new Population(config.lifecycle, 'UTC', config.catalog);
  for (const event of generateEvents({ users: 300, days: 60, seed: 7, start: '2026-01-01' }))
    population.add(event);
  for (const state of population.customers()) await states.save(state, undefined);
}, 60_000);
afterAll(async () => {
  await dynamo.stop();
});

/** A deployed environment: its table holding the customers, and the runs function over it at `clock`. */
async function environment(clock: { now: number }) {
  const tableName = await dynamo.createTable();
  const stored = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
  for await (const page of states.pages()) for (const state of page) await stored.save(state, undefined);
  const events = new MemoryPublisher();
  const timers = new TimersById();
  const wired = runPortsOn(
    { client: dynamo.client, documents: dynamo.documents, tableName },
    { events, timers },
    config,
    () => clock.now,
  );
  const handler = runsHandler(
    refreshing(async () => wired),
    observability('runs'),
  );
  const call = (input: unknown) => handler(input, lambdaContext);
  return { tableName, events, timers, call, ports: wired.ports };
}

/** What the run in-process (the local stack's and the simulator's way) hands on for the same customers. */
async function inProcess() {
  const events = new MemoryPublisher();
  const timers = new TimersById();
  const journey = config.catalog.latestOf(JOURNEY);
  if (!journey) throw new Error('no sample journey');
  const record = await performAudienceRun(
    journey,
    { run: RUN, at: RUN_START },
    {
      runs: new InMemoryAudienceRunStore(),
      customers: states,
      events,
      timers,
      catalogs: fixedCatalog(config.catalog),
      lifecycle: config.lifecycle,
      defaultTimezone: config.defaultTimezone,
      now: () => RUN_START,
    },
  );
  return { record, events: events.events, timers };
}

const ids = (items: Iterable<{ id: string }>) => [...items].map((i) => i.id).sort();

describe('the runs function: a scheduled run in the steps of its state machines', () => {
  it('begins, opens, enters each Segment of the Scan and completes, handing on what the in-process run hands on', async () => {
    // Prepare
    const clock = { now: RUN_START };
    const { call, events, timers, ports } = await environment(clock);
    const expected = await inProcess();

    // Act
    const begun = await call({ step: 'begin', journeyId: JOURNEY, scheduledTime: '2026-03-01T19:00:00Z' });
    if (!('start' in begun) || !begun.start) throw new Error(`not started: ${JSON.stringify(begun)}`);
    const opened = await call(begun.input);
    if (!('state' in opened) || opened.state !== 'open') throw new Error('not opened');
    // Four Segments, as a larger table would be cut, each a batch of the Distributed Map.
    const request = { ...opened.request, totalSegments: 4 };
    const tallies = [];
    for (const segment of [0, 1, 2, 3])
      tallies.push(await call({ BatchInput: { request }, Items: [{ index: segment, value: segment }] }));
    clock.now = RUN_START + 60_000;
    const completed = await call({ step: 'complete', journeyId: JOURNEY, run: RUN, tallies });

    // Assess
    expect(begun).toEqual({
      start: true,
      executionName: 'weekly-newsletter--2026-03-02T0900',
      input: { step: 'open', journeyId: JOURNEY, run: RUN, at: RUN_START },
    });
    expect(opened.segments).toEqual([0]);
    expect(expected.record.audience).toBeGreaterThan(20);
    expect(completed).toEqual({
      ...expected.record,
      startedAt: RUN_START,
      completedAt: RUN_START + 60_000,
    });
    expect(await ports.runs.get(JOURNEY, RUN)).toEqual(completed);
    expect(ids(events.events)).toEqual(ids(expected.events));
    expect(ids(timers.timers.values())).toEqual(ids(expected.timers.timers.values()));
    const timer = [...timers.timers.values()][0] as EntryTimer;
    expect(timer.id).toBe(`entry:${JOURNEY}:${RUN}:${timer.userId}`);
  });

  it('enrolls nobody twice when a batch is retried or the run opened again: the same ids, the run counted once', async () => {
    // Prepare
    const clock = { now: RUN_START };
    const { call, events, timers, ports } = await environment(clock);
    const opened = await call({ step: 'open', journeyId: JOURNEY, run: RUN, at: RUN_START });
    if (!('state' in opened) || opened.state !== 'open') throw new Error('not opened');
    const batch = { BatchInput: { request: opened.request }, Items: [{ index: 0, value: 0 }] };
    const first = RunTally.parse(await call(batch));

    // Act: the batch again (a Step Functions retry), then complete, then the run opened again (a redrive).
    const again = await call(batch);
    await call({ step: 'complete', journeyId: JOURNEY, run: RUN, tallies: [first] });
    const reopened = await call({ step: 'open', journeyId: JOURNEY, run: RUN, at: RUN_START });

    // Assess
    expect(again).toEqual(first);
    const eventIds = events.events.map((e: CustomerEvent) => e.id);
    expect(new Set(eventIds).size).toBe(eventIds.length / 2);
    expect(timers.timers.size).toBe(first.timers);
    expect(reopened).toMatchObject({ state: 'completed', record: { attempts: 1, audience: first.audience } });
    expect((await ports.runs.list(JOURNEY)).length).toBe(1);
  });

  it('skips the run of a paused journey at its first step, and a time that starts no run', async () => {
    // Prepare
    const clock = { now: RUN_START };
    const { call, tableName } = await environment(clock);
    const tuesday = await call({ step: 'begin', journeyId: JOURNEY, scheduledTime: '2026-03-02T19:00:00Z' });
    const registry = new DynamoJourneyRegistry({ client: dynamo.documents, tableName });
    await changeJourneyStatus(registry, { journeyId: JOURNEY, action: 'pause', by: 'ops', at: RUN_START });
    clock.now += 7 * 86_400_000;

    // Act
    const paused = await call({ step: 'begin', journeyId: JOURNEY, scheduledTime: '2026-03-08T19:00:00Z' });
    const unknown = await call({ step: 'begin', journeyId: 'gone', scheduledTime: '2026-03-08T19:00:00Z' });

    // Assess
    expect(tuesday).toEqual({
      start: false,
      reason: 'not-a-run',
      detail: `2026-03-02T19:00:00.000Z starts no run of ${JOURNEY}`,
    });
    expect(paused).toEqual({ start: false, reason: 'not-active', detail: `journey ${JOURNEY} is paused` });
    expect(unknown).toEqual({
      start: false,
      reason: 'unknown-journey',
      detail: 'no journey gone is deployed',
    });
  });

  it('refuses a request it does not know, naming the field', async () => {
    // Prepare
    const { call } = await environment({ now: RUN_START });

    // Act
    const refused = call({ step: 'begin', journeyId: JOURNEY, scheduledTime: 'Monday' });

    // Assess
    await expect(refused).rejects.toThrow(/scheduledTime/);
  });
});
