import { describe, expect, it } from 'vitest';
import { JourneyCatalog, journeyVersion } from '../../../functions/core/engine/catalog.ts';
import { InMemoryJourneyRegistry } from '../../../functions/core/runtime/in-memory-journey-registry.ts';
import {
  CATALOG_MAX_AGE_MS,
  JourneyCatalogRefresher,
} from '../../../functions/core/runtime/journey-catalog.ts';
import { refreshing } from '../../../functions/handlers/shared/journey-catalog.ts';
import { welcomeJourney } from '../../contracts/journey-registry.contract.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** Counts the registry's loads; fails them when asked. */
class CountingRegistry extends InMemoryJourneyRegistry {
  loads = 0;
  failing = false;
  override async load() {
    this.loads++;
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    return super.load();
  }
}

/** A handler's wiring: ports that read the catalog from the refresher, and the refresher. */
function wired(registry: InMemoryJourneyRegistry, clock: { now: number }) {
  const refresher = new JourneyCatalogRefresher({
    bundled: new JourneyCatalog([welcomeJourney()]),
    registry,
    clock: () => clock.now,
  });
  return { ports: { catalog: () => refresher.current() }, refresher };
}

function logOf() {
  const logged: string[] = [];
  const log = {
    info: (message: string) => logged.push(message),
    warn: (message: string) => logged.push(message),
  };
  return { logged, log };
}

describe('refreshing: the handlers refresh the catalog before each invocation', () => {
  it('reads the registry once for invocations that overlap, and hands the ports on after the refresh', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const fn = wired(registry, { now: T0 });
    const { logged, log } = logOf();
    const ports = refreshing(async () => fn, log);

    // Act
    const resolved = await Promise.all([ports(), ports(), ports()]);

    // Assess
    expect(registry.loads).toBe(1);
    expect(resolved.every((p) => p.catalog().version(journeyVersion(welcomeJourney())) !== undefined)).toBe(
      true,
    );
    expect(logged).toEqual(['journey versions registered']);
  });

  it('reads again once the catalog is a minute old, and goes on with the last catalog when that read fails', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const clock = { now: T0 };
    const { logged, log } = logOf();
    const fn = wired(registry, clock);
    const ports = refreshing(async () => fn, log);
    await ports();

    // Act
    await ports();
    const loadsWithinTheMinute = registry.loads;
    clock.now += CATALOG_MAX_AGE_MS;
    registry.failing = true;
    const resolved = await ports();

    // Assess
    expect(loadsWithinTheMinute).toBe(1);
    expect(registry.loads).toBe(2);
    expect(resolved.catalog().version(journeyVersion(welcomeJourney()))).toBeDefined();
    expect(logged).toEqual([
      'journey versions registered',
      'journey registry unreadable; running on the catalog read before',
    ]);
  });

  it('fails the invocation when the registry cannot be read at the cold start', async () => {
    // Prepare
    const registry = new CountingRegistry();
    registry.failing = true;
    const ports = refreshing(async () => wired(registry, { now: T0 }));

    // Act
    const resolved = ports();

    // Assess
    await expect(resolved).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
