import { describe, expect, it } from 'vitest';
import { JourneyCatalog, journeyVersion } from '../../../functions/core/engine/catalog.ts';
import type { RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { type CatalogSource, fixedCatalog } from '../../../functions/core/runtime/journey-catalog.ts';
import { applyPorts } from '../../../functions/core/runtime/use-case-ports.ts';
import { welcomeJourney } from '../../contracts/journey-registry.contract.ts';
import {
  MemoryDeadLetters,
  MemoryPublisher,
  MemorySendQueue,
  sampleConfig,
  T0,
} from '../../handlers/support.ts';

const adapters = () => ({
  states: new InMemoryCustomerStateStore(),
  timers: new InMemoryTimerStore(),
  sends: new MemorySendQueue(),
  events: new MemoryPublisher(),
  deadLetters: new MemoryDeadLetters(),
});

/** A source whose catalog the test replaces, as a refresh does, and which records what it was asked to find. */
class SwitchingSource implements CatalogSource {
  asked: string[][] = [];
  constructor(public catalog: JourneyCatalog) {}
  current() {
    return this.catalog;
  }
  async findVersions(versions: readonly string[]) {
    this.asked.push([...versions]);
  }
}

describe('applyPorts', () => {
  it('runs the engine on the catalog the source holds at each use, at the clock', async () => {
    // Prepare
    const config: RuntimeConfig = await sampleConfig();
    const source = new SwitchingSource(new JourneyCatalog([]));
    let now = T0;
    const ports = applyPorts(adapters(), { config, catalogs: source, now: () => now });
    const before = ports.context();

    // Act
    source.catalog = new JourneyCatalog([welcomeJourney()]);
    now = T0 + 1;
    const after = ports.context();

    // Assess
    expect(before.catalog.latestOf('welcome')).toBeUndefined();
    expect(after.catalog.latestOf('welcome')?.version).toBe(journeyVersion(welcomeJourney()));
    expect(after.now).toBe(T0 + 1);
    expect(ports.delivery).toEqual({ policies: config.policies, defaultTimezone: config.defaultTimezone });
  });

  it('asks the source for unknown versions when it can look, and not at all when it cannot', async () => {
    // Prepare
    const config = await sampleConfig();
    const source = new SwitchingSource(config.catalog);
    const refreshed = applyPorts(adapters(), { config, catalogs: source, now: () => T0 });
    const fixed = applyPorts(adapters(), { config, catalogs: fixedCatalog(config.catalog), now: () => T0 });

    // Act
    await refreshed.findVersions?.(['v-gone']);

    // Assess
    expect(source.asked).toEqual([['v-gone']]);
    expect(fixed.findVersions).toBeUndefined();
  });
});
