import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize, WRITE_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.ts';
import {
  DynamoJourneyRegistry,
  encodeJourney,
  journeyKeys,
  versionItem,
} from '../../../functions/adapters/dynamodb/journey-registry.ts';
import { changeJourneyStatus } from '../../../functions/core/runtime/journey-status.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';
import {
  journeyRegistryContract,
  REGISTRY_T0,
  storedVersion,
  welcomeJourney,
} from '../../contracts/journey-registry.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function newRegistry() {
  const tableName = await dynamo.createTable();
  return { tableName, registry: new DynamoJourneyRegistry({ client: dynamo.documents, tableName }) };
}

journeyRegistryContract('DynamoDB (dynalite)', async () => (await newRegistry()).registry);

describe('DynamoJourneyRegistry', () => {
  it('stores every sample journey version compressed, in one write unit each', async () => {
    // Prepare
    const { registry } = await newRegistry();
    const { catalog } = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const versions = [...catalog.latest()].map((c) => storedVersion(c.journey));
    dynamo.counter.take();

    // Act
    for (const version of versions) await registry.register(version);

    // Assess
    const counts = dynamo.counter.take();
    expect(counts.byOperation).toEqual({ PutItem: versions.length });
    expect(counts.capacityUnits).toBe(versions.length);
    for (const version of versions) {
      const json = JSON.stringify(version.journey).length;
      expect(itemSize(versionItem(version))).toBeLessThanOrEqual(WRITE_UNIT_BYTES);
      expect(encodeJourney(version.journey).byteLength).toBeLessThan(json * 0.7);
    }
  });

  it('reads versions, overrides and deployed markers in one Query, never the audit trail', async () => {
    // Prepare
    const { registry } = await newRegistry();
    await registry.register(storedVersion(welcomeJourney()));
    await registry.recordDeployed({
      journeyId: 'welcome',
      version: 'aaaa000000000000',
      status: 'active',
      at: 1,
    });
    await changeJourneyStatus(registry, {
      journeyId: 'welcome',
      action: 'pause',
      by: 'ops',
      at: REGISTRY_T0,
    });
    dynamo.counter.take();

    // Act
    const contents = await registry.load();

    // Assess
    expect(dynamo.counter.take().byOperation).toEqual({ Query: 1 });
    expect([contents.versions.length, contents.overrides.length, contents.deployed.length]).toEqual([
      1, 1, 1,
    ]);
    expect(contents.problems).toEqual([]);
  });

  it('reads the sample journeys, each with a deployed marker and an override, in one read unit', async () => {
    // Prepare
    const { registry } = await newRegistry();
    const { catalog } = await loadRuntimeConfig('journeys', undefined, 'UTC');
    for (const { id, version, journey } of catalog.latest()) {
      await registry.register(storedVersion(journey));
      await registry.recordDeployed({ journeyId: id, version, status: journey.status, at: REGISTRY_T0 });
      await registry.applyOverride({ journeyId: id, status: 'paused', seq: 1, at: REGISTRY_T0 }, 0);
    }
    dynamo.counter.take();

    // Act
    await registry.load();

    // Assess: eventually consistent, between 4 and 8 KB in all (4,198 bytes for the seven sample journeys)
    expect(dynamo.counter.take()).toMatchObject({ byOperation: { Query: 1 }, capacityUnits: 1 });
  });

  it('skips an item it cannot read, naming it, and loads the rest', async () => {
    // Prepare
    const { registry, tableName } = await newRegistry();
    await registry.register(storedVersion(welcomeJourney()));
    const broken = {
      ...journeyKeys.version('cart', 'bbbb000000000000'),
      j: new Uint8Array([9, 1, 2]),
      at: 1,
    };
    await dynamo.documents.send(new PutCommand({ TableName: tableName, Item: broken }));

    // Act
    const contents = await registry.load();

    // Assess
    expect(contents.versions.map((v) => v.journeyId)).toEqual(['welcome']);
    expect(contents.problems).toEqual(['VERSION#cart#bbbb000000000000: unknown journey format 9; skipped']);
  });

  it('reads past the 1 MB of a Query page, page after page', async () => {
    // Prepare: three items of 390 KB each do not fit in one page
    const { registry, tableName } = await newRegistry();
    const journey = welcomeJourney();
    for (const n of [1, 2, 3]) {
      const item = {
        ...versionItem(storedVersion(journey)),
        ...journeyKeys.version('welcome', `pad${n}`),
        pad: 'x'.repeat(390_000),
      };
      await dynamo.documents.send(new PutCommand({ TableName: tableName, Item: item }));
    }
    await registry.register(storedVersion(journey));
    dynamo.counter.take();

    // Act
    const contents = await registry.load();

    // Assess
    expect(contents.versions).toHaveLength(4);
    expect(dynamo.counter.take().byOperation.Query).toBeGreaterThan(1);
  });

  it('changes a status with two consistent reads and two conditional writes', async () => {
    // Prepare
    const { registry } = await newRegistry();
    dynamo.counter.take();

    // Act
    await changeJourneyStatus(registry, {
      journeyId: 'welcome',
      action: 'pause',
      by: 'ops',
      at: REGISTRY_T0,
    });

    // Assess
    const counts = dynamo.counter.take();
    expect(counts.byOperation).toEqual({ GetItem: 2, PutItem: 2 });
    expect(counts.errors).toEqual({});
  });
});
