import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJourneyRegistry } from '../../functions/adapters/dynamodb/journey-registry.ts';
import {
  composeApplyPorts,
  tableCatalogRefresher,
  tableTimerStore,
} from '../../functions/composition/apply.ts';
import type { TableAccess } from '../../functions/composition/table.ts';
import { JourneyCatalog } from '../../functions/core/engine/catalog.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import { Policies } from '../../functions/core/policies/config.ts';
import { applyInput } from '../../functions/core/runtime/ingest.ts';
import { CATALOG_MAX_AGE_MS } from '../../functions/core/runtime/journey-catalog.ts';
import { changeJourneyStatus } from '../../functions/core/runtime/journey-status.ts';
import { welcomeJourney } from '../contracts/journey-registry.contract.ts';
import { MemoryDeadLetters, MemoryPublisher, MemorySendQueue } from '../handlers/support.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { customerEvent, journeyFromYaml } from '../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const CART = journeyFromYaml(`
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
steps:
  - { id: remind, type: send, channel: email, template: cart }
`);

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function newTable(): Promise<TableAccess> {
  return { documents: dynamo.documents, tableName: await dynamo.createTable() };
}

/** A function that runs the engine on `table`, as handlers/shared/wiring.ts and the local stack compose one. */
function engineFunction(table: TableAccess, clock: { now: number }, ...journeys: Journey[]) {
  const now = () => clock.now;
  const config = {
    catalog: new JourneyCatalog(journeys),
    lifecycle: undefined,
    policies: Policies.parse({}),
    templates: new Map(),
    defaultTimezone: 'UTC',
  };
  const refresher = tableCatalogRefresher(table, config.catalog, now);
  const ports = composeApplyPorts({
    table,
    exits: {
      sends: new MemorySendQueue(),
      events: new MemoryPublisher(),
      deadLetters: new MemoryDeadLetters(),
    },
    timers: tableTimerStore(table, { clock: now, shards: 1 }),
    setting: { config, catalogs: refresher, now },
  });
  return { ports, refresher };
}

describe('the catalog of a composed function, on the journey registry in the table (dynalite)', () => {
  it('registers the bundle on the first cold start, and costs one Query and no write on the next ones', async () => {
    // Prepare
    const table = await newTable();
    const journeys = [welcomeJourney(), CART];
    const clock = { now: T0 };

    // Act
    await engineFunction(table, clock, ...journeys).refresher.refreshIfStale();
    const first = dynamo.counter.take();
    const later = engineFunction(table, clock, ...journeys);
    await later.refresher.refreshIfStale();
    const next = dynamo.counter.take();
    clock.now += CATALOG_MAX_AGE_MS;
    await later.refresher.refreshIfStale();
    const minuteLater = dynamo.counter.take();

    // Assess: a version and a deployed marker per journey the first time
    expect(first.byOperation).toEqual({ Query: 1, PutItem: 4 });
    expect(next.byOperation).toEqual({ Query: 1 });
    expect(minuteLater.byOperation).toEqual({ Query: 1 });
  });

  it('applies inputs with the catalog its refresher holds: a pause in the registry stops entries after a refresh', async () => {
    // Prepare
    const table = await newTable();
    const clock = { now: T0 };
    const fn = engineFunction(table, clock, welcomeJourney());
    await fn.refresher.refreshIfStale();
    const registry = new DynamoJourneyRegistry({ client: table.documents, tableName: table.tableName });
    const signUp = (userId: string) =>
      applyInput(
        userId,
        { kind: 'event', event: customerEvent('Signed Up', userId, clock.now) },
        fn.ports,
        'test',
      );

    // Act
    await changeJourneyStatus(registry, { journeyId: 'welcome', action: 'pause', by: 'ops', at: T0 });
    clock.now += 1_000;
    await fn.refresher.refreshIfStale();
    const withinTheMinute = await signUp('u1');
    clock.now = T0 + CATALOG_MAX_AGE_MS;
    await fn.refresher.refreshIfStale();
    const afterTheRefresh = await signUp('u2');

    // Assess
    expect(withinTheMinute.enrolled).toEqual(['welcome']);
    expect(afterTheRefresh.enrolled).toEqual([]);
    expect(afterTheRefresh.effects).toContainEqual(
      expect.objectContaining({ type: 'not-enrolled', reason: 'journey-paused' }),
    );
  });
});
