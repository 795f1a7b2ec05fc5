// What one simulation of an event file does per event: the inputs applied by kind, the states loaded and
// saved, the sends delivered and how they ended, the timers scheduled. A profile, not a benchmark: it counts
// through the simulation's own port wrappers and observer, so the figures are the use cases' own.
// Usage: node --import tsx bench/simulate-counts.ts EVENTS.ndjson

import { streamEventLines } from '../functions/cli/event-stream.ts';
import type { StateStorePort } from '../functions/core/ports/port-wrappers.ts';
import { Simulation } from '../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: node --import tsx bench/simulate-counts.ts EVENTS.ndjson');

const counts = new Map<string, number>();
const count = (key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);

const countingStates = (store: StateStorePort): StateStorePort => {
  const { loadWithSuppressions } = store;
  return {
    load: (userId) => {
      count('state loads');
      return store.load(userId);
    },
    save: (state, version, maxBytes) => {
      count('state saves');
      return store.save(state, version, maxBytes);
    },
    ...(loadWithSuppressions
      ? {
          loadWithSuppressions: (userId: string, addresses: readonly string[]) => {
            count('state loads (with suppressions)');
            return loadWithSuppressions.call(store, userId, addresses);
          },
        }
      : {}),
  };
};

const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
const simulation = new Simulation({
  config,
  keepSent: false,
  retire: {
    message: () => count('message records retired'),
    enrollment: () => count('enrollment records retired'),
  },
  wrap: { states: countingStates },
  observer: {
    observe: (observation) => {
      if (observation.type === 'applied') {
        count(`inputs applied: ${observation.input.kind}`);
        for (const effect of observation.effects) count(`effects: ${effect.type}`);
      } else if (observation.type === 'delivered') count(`sends delivered: ${observation.outcome.status}`);
      else count(`observations: ${observation.type}`);
    },
  },
});
const cpu = process.cpuUsage();
const started = performance.now();
let events = 0;
for await (const line of streamEventLines(file)) {
  if (line.kind === 'skipped') continue;
  await simulation.put(line.value, line.at);
  events++;
}
const end = simulation.now + 30 * 86_400_000;
await simulation.finish(end);
const used = process.cpuUsage(cpu);
console.log(
  `${events} events, ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`,
);
console.log('| what | count | per event |\n| --- | ---: | ---: |');
for (const [key, value] of [...counts].sort(([a], [b]) => a.localeCompare(b)))
  console.log(`| ${key} | ${value.toLocaleString('en-US')} | ${(value / events).toFixed(2)} |`);
