import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_RATES, FAULT_KINDS, type FaultRates } from '../../../functions/core/chaos/faults.ts';
import { type ChaosMachine, runChaos } from '../../../functions/core/chaos/run.ts';
import { simulatedMachine } from '../../../functions/core/chaos/simulated.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import type { ChannelPort } from '../../../functions/core/ports/channel.ts';
import type { PolicyStore } from '../../../functions/core/ports/policy-store.ts';
import type { PortWrappers } from '../../../functions/core/ports/port-wrappers.ts';
import type { RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

/** Every fault of the in-memory ports often enough that each strikes in a small population. */
const RATES: FaultRates = {
  ...DEFAULT_FAULT_RATES,
  'crash-after-claim': 0.01,
  'provider-throttled': 0.02,
  'provider-timeout': 0.01,
};
const MEMORY_KINDS = FAULT_KINDS.filter((kind) => kind !== 'restart');

let config: RuntimeConfig;
beforeAll(async () => {
  config = await loadRuntimeConfig('journeys', undefined, 'UTC');
});

const chaosOf = (machine: (wrap: PortWrappers) => Promise<ChaosMachine>, users = 150) =>
  runChaos({
    events: () => generateEvents({ users, days: 30, seed: 11, start: '2026-11-01' }),
    seed: 11,
    rates: RATES,
    daysAfter: 14,
    machine,
  });

describe('the chaos harness on the in-memory ports', () => {
  it('sends what the fault-free run sends, none twice and none lost, under every fault', async () => {
    // Prepare: the sample journeys, policies and lifecycle; a generated population of 150 customers.
    const machine = simulatedMachine(config);

    // Act
    const report = await chaosOf(machine);

    // Assess: each fault struck, and the provider got the same messages, each once.
    for (const kind of MEMORY_KINDS) expect(report.faults[kind], kind).toBeGreaterThan(0);
    expect(report.inputs).toBeGreaterThan(report.events);
    expect(report.redriven).toBeGreaterThan(0);
    const { comparison } = report;
    expect(comparison.expected).toBeGreaterThan(100);
    expect(comparison).toMatchObject({ duplicates: 0, lost: 0, extra: 0 });
    // A message claimed and then crashed before the provider is UNKNOWN and not resent (at most once).
    expect(comparison.withheld).toBeGreaterThan(0);
    expect(comparison.withheld).toBeLessThanOrEqual(report.faults['crash-after-claim']);
    expect(comparison.sent + comparison.withheld).toBe(comparison.expected);
  }, 180_000);

  it('reports duplicates when the send ledger forgets its claims', async () => {
    // Prepare: a ledger that lets every claim through, so a redelivered send goes to the provider again.
    const forgetful = (store: PolicyStore): PolicyStore => ({ ...bound(store), claim: async () => true });
    const machine = (wrap: PortWrappers) => simulatedMachine(config)({ ...wrap, policyStore: forgetful });

    // Act
    const report = await chaosOf(machine, 60);

    // Assess
    expect(report.comparison.duplicates).toBeGreaterThan(0);
    expect(report.comparison.examples.duplicates.length).toBeGreaterThan(0);
  }, 180_000);

  it('reports lost messages when a channel answers sent without sending', async () => {
    // Prepare: one message in ten answered "sent" before it reaches the provider.
    let calls = 0;
    const swallowing = (channel: ChannelPort): ChannelPort => ({
      send: async (message) =>
        ++calls % 10 === 0 ? { ok: true, providerMessageId: 'swallowed' } : channel.send(message),
    });
    const machine = (wrap: PortWrappers) =>
      simulatedMachine(config)({
        ...wrap,
        channel: (channel) => swallowing(wrap.channel ? wrap.channel(channel) : channel),
      });

    // Act
    const report = await chaosOf(machine, 60);

    // Assess
    expect(report.comparison.lost).toBeGreaterThan(0);
    expect(report.comparison.examples.lost.length).toBeGreaterThan(0);
  }, 180_000);
});

/** The store's methods, bound, so that one can be replaced. */
function bound(store: PolicyStore): PolicyStore {
  return {
    claim: (id, at) => store.claim(id, at),
    complete: (id, completion) => store.complete(id, completion),
    release: (id) => store.release(id),
    claimOf: (id) => store.claimOf(id),
    reclaim: (id, attempt, at) => store.reclaim(id, attempt, at),
    suppressed: (addresses) => store.suppressed(addresses),
    suppress: (address, reason) => store.suppress(address, reason),
  };
}
