/**
 * Measures the customer state items the runtime would write, one per event, for the sample events and for
 * generated customers, and prints Markdown tables (docs/data-model.md quotes them). The events run through the
 * sample journeys and lifecycle and the shipped policies (journeys/policies.yaml), and each state carries the
 * sends counted against the caps at that moment, as the runtime keeps them in the state.
 *
 *   npx tsx test/adapters/dynamodb/measure-item-sizes.ts [users] [days] [seed]     (default 500 30 1)
 */
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { stateItem } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, WRITE_UNIT_BYTES, writeUnits } from '../../../functions/adapters/dynamodb/item-size.ts';
import { type CustomerState, PROCESSED_MEMORY } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import {
  generatedEvents,
  type SampleSetup,
  sampleEvents,
  sampleSetup,
} from '../../core/runtime/sample-states.ts';
import { sampleConfig } from '../../handlers/support.ts';

const [users = 500, days = 30, seed = 1] = process.argv.slice(2).map(Number);

/**
 * The state of the event's customer after every event, with its counted sends still in a window; and, per
 * customer, the times of their inputs (events, and the timers that fell due by the last event).
 */
async function statesAfterEachEvent(setup: SampleSetup, events: readonly CustomerEvent[]) {
  const inputs = new Map<string, number[]>();
  const input = (userId: string, at: number) => inputs.set(userId, [...(inputs.get(userId) ?? []), at]);
  // The shipped policies count sends in the state, as the runtime does.
  const simulation = new Simulation({
    config: { ...(await sampleConfig()), ...setup },
    observer: {
      observe: (observation) => {
        if (observation.type !== 'applied') return;
        for (const effect of observation.effects)
          if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred')
            input(effect.userId, effect.timer.dueAt);
      },
    },
  });
  const states: CustomerState[] = [];
  for (const event of events) {
    await simulation.processEvent(event);
    const { userId } = event.detail;
    input(userId, Date.parse(event.time));
    const state = simulation.stateOf(userId);
    if (state) states.push(state);
  }
  const fired = [...inputs.values()].map((times) => times.filter((t) => t <= simulation.now));
  return { states, inputs: fired };
}

/**
 * How long a re-delivered input is still recognised depends on how many newer inputs of its customer came
 * in between: per input, how many of its customer's inputs followed within a window.
 */
function reportMemory(inputs: readonly number[][]): void {
  console.log('\n| window | inputs of the customer after an input, p50 | p99 | p99.9 | max |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const hours of [1, 6, 24]) {
    const after: number[] = [];
    for (const times of inputs) {
      const sorted = [...times].sort((a, b) => a - b);
      let last = 0;
      sorted.forEach((t, i) => {
        last = Math.max(last, i);
        while ((sorted[last + 1] ?? Number.POSITIVE_INFINITY) <= t + hours * 3_600_000) last++;
        after.push(last - i);
      });
    }
    const sorted = after.sort((a, b) => a - b);
    const cells = [0.5, 0.99, 0.999, 1].map((p) => percentile(sorted, p));
    console.log(`| ${hours} h | ${cells.join(' | ')} |`);
  }
}

/** The stored item's size if the state were stored another way, the keys and version included. */
const keysAndVersion = (s: CustomerState) => itemSize({ ...stateItem(s, 1), s: new Uint8Array(0) });
const json = (s: CustomerState) => Buffer.from(JSON.stringify(s));
const lastPrints = (s: CustomerState, n: number) => ({
  ...s,
  processed: s.processed.slice(Math.max(0, s.processed.length - n)),
});
const ways: Record<string, (s: CustomerState) => number> = {
  'JSON, uncompressed': (s) => keysAndVersion(s) + json(s).length,
  'JSON, deflate': (s) => keysAndVersion(s) + deflateRawSync(json(s), { level: 9 }).length,
  'JSON, brotli (quality 11)': (s) =>
    keysAndVersion(s) +
    brotliCompressSync(json(s), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  [`JSON, deflate + dictionary (**stored**, ${PROCESSED_MEMORY} fingerprints)`]: (s) =>
    itemSize(stateItem(s, 1)),
  'same, without the counted sends': (s) => itemSize(stateItem({ ...s, delivery: undefined }, 1)),
  'same, without the order window (`seen`)': (s) => itemSize(stateItem({ ...s, seen: undefined }, 1)),
  'same, without the address attributes of the indexes': (s) => {
    const { em: _email, ph: _phone, ...item } = stateItem(s, 1);
    return itemSize(item);
  },
  ...Object.fromEntries(
    // Fewer than the engine keeps: what a smaller memory would save.
    [48, 32, 24, 16, 0]
      .filter((n) => n < PROCESSED_MEMORY)
      .map((n) => [
        `same, with the last ${n} fingerprints`,
        (s: CustomerState) => itemSize(stateItem(lastPrints(s, n), 1)),
      ]),
  ),
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** What the order window (engine/order-window.ts) adds: how many states carry it, and its JSON bytes there. */
function reportSeen(states: readonly CustomerState[]): void {
  const carrying = states.flatMap((s) => (s.seen ? [s.seen] : []));
  const bytes = carrying.map((seen) => JSON.stringify(seen).length + '"seen":,'.length).sort((a, b) => a - b);
  const entries = carrying.map((seen) => seen.length).sort((a, b) => a - b);
  const share = ((100 * carrying.length) / Math.max(1, states.length)).toFixed(1);
  console.log(`\norder window: ${carrying.length} of ${states.length} states carry it (${share}%)`);
  console.log('| in those states | p50 | p95 | p99 | max |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, sorted] of [
    ['entries', entries],
    ['JSON bytes', bytes],
  ] as const)
    console.log(`| ${name} | ${[0.5, 0.95, 0.99, 1].map((p) => percentile(sorted, p)).join(' | ')} |`);
}

function report(title: string, states: readonly CustomerState[]): void {
  const counting = states.filter((s) => (s.delivery?.counted?.length ?? 0) > 0).length;
  console.log(`\n${title}: ${states.length} writes, ${counting} of them with counted sends\n`);
  console.log('| stored as | p50 | p95 | p99 | max | writes ≤ 1 KB | mean write units | ms per state |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, size] of Object.entries(ways)) {
    const started = performance.now();
    const sizes = states.map(size).sort((a, b) => a - b);
    const ms = (performance.now() - started) / states.length;
    const under = sizes.filter((b) => b <= WRITE_UNIT_BYTES).length / sizes.length;
    const units = sizes.reduce((sum, b) => sum + writeUnits(b), 0) / sizes.length;
    const cells = [0.5, 0.95, 0.99, 1].map((p) => percentile(sizes, p));
    console.log(
      `| ${name} | ${cells.join(' | ')} | ${(under * 100).toFixed(1)}% | ${units.toFixed(2)} | ${ms.toFixed(3)} |`,
    );
  }
}

const setup = await sampleSetup();
report('journeys/events/sample.ndjson', (await statesAfterEachEvent(setup, await sampleEvents())).states);
const generated = await statesAfterEachEvent(setup, generatedEvents(users, days, seed));
report(`generated: ${users} users, ${days} days, seed ${seed}`, generated.states);
reportMemory(generated.inputs);
reportSeen(generated.states);
