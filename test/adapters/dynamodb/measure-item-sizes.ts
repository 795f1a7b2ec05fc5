/**
 * Measures the customer state items the runtime would write, one per event, for the sample events and for
 * generated customers, and prints Markdown tables (docs/data-model.md quotes them). The events run through the
 * sample journeys and lifecycle and the shipped policies (journeys/policies.yaml), and each state carries the
 * sends counted against the caps at that moment, as the runtime keeps them in the state.
 *
 *   npx tsx test/adapters/dynamodb/measure-item-sizes.ts [users] [days] [seed] [--no-brotli]  (default 500 30 1)
 */
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { stateItem } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, WRITE_UNIT_BYTES, writeUnits } from '../../../functions/adapters/dynamodb/item-size.ts';
import { PRINT_CHARS } from '../../../functions/core/engine/seen.ts';
import { SeenMemory } from '../../../functions/core/engine/seen-memory.ts';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import {
  generatedEvents,
  type SampleSetup,
  sampleEvents,
  sampleSetup,
} from '../../core/runtime/sample-states.ts';
import { sampleConfig } from '../../handlers/support.ts';

const args = process.argv.slice(2);
const [users = 500, days = 30, seed = 1] = args.filter((a) => !a.startsWith('--')).map(Number);
/** Brotli at quality 11 takes about 25 ms a state: `--no-brotli` leaves it out of long runs. */
const brotli = !args.includes('--no-brotli');

/** The state of the event's customer after every event, with its counted sends still in a window. */
async function statesAfterEachEvent(setup: SampleSetup, events: readonly CustomerEvent[]) {
  // The shipped policies count sends in the state, as the runtime does.
  const simulation = new Simulation({ config: { ...(await sampleConfig()), ...setup } });
  const states: CustomerState[] = [];
  for (const event of events) {
    await simulation.processEvent(event);
    const state = simulation.stateOf(event.detail.userId);
    if (state) states.push(state);
  }
  return { states };
}

/** How many applied inputs a written state remembers (`seen`, engine/seen.ts), per write. */
function reportSeen(states: readonly CustomerState[]): void {
  const counts = states
    .map((s) => (s.seen?.prints ?? []).reduce((sum, prints) => sum + prints.length / PRINT_CHARS, 0))
    .sort((a, b) => a - b);
  const mean = counts.reduce((sum, n) => sum + n, 0) / Math.max(1, counts.length);
  console.log('\n| fingerprints remembered per write | p50 | p95 | p99 | max | mean |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const cells = [0.5, 0.95, 0.99, 1].map((p) => percentile(counts, p));
  console.log(`| \`seen\` | ${cells.join(' | ')} | ${mean.toFixed(1)} |`);
}

/** The stored item's size if the state were stored another way, the keys and version included. */
const keysAndVersion = (s: CustomerState) => itemSize({ ...stateItem(s, 1), s: new Uint8Array(0) });
const json = (s: CustomerState) => Buffer.from(JSON.stringify(s));
/** The state remembering only its latest `n` applied inputs, as the engine did before `seen` (32). */
const lastPrints = (s: CustomerState, n: number): CustomerState => {
  const all = Object.entries(s.seen?.toRecord() ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, prints]) => prints)
    .join('');
  const kept = all.slice(Math.max(0, all.length - n * PRINT_CHARS));
  return { ...s, seen: kept ? SeenMemory.of('0', kept) : undefined };
};
const ways: Record<string, (s: CustomerState) => number> = {
  'JSON, uncompressed': (s) => keysAndVersion(s) + json(s).length,
  'JSON, deflate': (s) => keysAndVersion(s) + deflateRawSync(json(s), { level: 9 }).length,
  ...(brotli
    ? {
        'JSON, brotli (quality 11)': (s: CustomerState) =>
          keysAndVersion(s) +
          brotliCompressSync(json(s), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      }
    : {}),
  'JSON, deflate + dictionary (**stored**, every input within the window)': (s) => itemSize(stateItem(s, 1)),
  'same, without the counted sends': (s) => itemSize(stateItem({ ...s, delivery: undefined }, 1)),
  'same, without the order window (`endings`)': (s) => itemSize(stateItem({ ...s, endings: undefined }, 1)),
  'same, without the address attributes of the indexes': (s) => {
    const { em: _email, ph: _phone, ...item } = stateItem(s, 1);
    return itemSize(item);
  },
  ...Object.fromEntries(
    // What remembering only the latest inputs would save (32: the memory before `seen`).
    [32, 0].map((n) => [
      `same, with only the latest ${n} fingerprints`,
      (s: CustomerState) => itemSize(stateItem(lastPrints(s, n), 1)),
    ]),
  ),
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** What the order window (engine/order-window.ts) adds: how many states carry it, and its JSON bytes there. */
function reportEndings(states: readonly CustomerState[]): void {
  const carrying = states.flatMap((s) => (s.endings ? [s.endings] : []));
  const bytes = carrying.map((e) => JSON.stringify(e).length + '"endings":,'.length).sort((a, b) => a - b);
  const entries = carrying.map((e) => e.length).sort((a, b) => a - b);
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
reportSeen(generated.states);
reportEndings(generated.states);
