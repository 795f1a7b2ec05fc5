/**
 * Measures the customer state items the runtime would write, one per event, for the sample events and for
 * generated customers, and prints a Markdown table (docs/data-model.md quotes it).
 *
 *   npx tsx test/adapters/dynamodb/measure-item-sizes.ts [users] [days] [seed]     (default 500 30 1)
 */
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { stateItem } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, WRITE_UNIT_BYTES, writeUnits } from '../../../functions/adapters/dynamodb/item-size.ts';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import {
  generatedEvents,
  sampleEvents,
  sampleSetup,
  statesAfterEachEvent,
} from '../../core/runtime/sample-states.ts';

const [users = 500, days = 30, seed = 1] = process.argv.slice(2).map(Number);

/** The stored item's size if the state were stored another way, the keys and version included. */
const KEYS_AND_VERSION = itemSize({
  ...stateItem({ ...minimal(), userId: 'usr_000000' }, 1),
  s: new Uint8Array(0),
});
const json = (s: CustomerState) => Buffer.from(JSON.stringify(s));
const ways: Record<string, (s: CustomerState) => number> = {
  'JSON, uncompressed': (s) => KEYS_AND_VERSION + json(s).length,
  'JSON, deflate': (s) => KEYS_AND_VERSION + deflateRawSync(json(s), { level: 9 }).length,
  'JSON, brotli (quality 11)': (s) =>
    KEYS_AND_VERSION +
    brotliCompressSync(json(s), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  'JSON, deflate + dictionary (stored)': (s) => itemSize(stateItem(s, 1)),
  'same, without processed fingerprints': (s) => itemSize(stateItem({ ...s, processed: [] }, 1)),
};

function minimal(): CustomerState {
  return {
    userId: '',
    profile: { traits: {}, devices: [], consent: {} },
    enrollments: [],
    entries: {},
    journeySends: {},
    processed: [],
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function report(title: string, states: readonly CustomerState[]): void {
  console.log(`\n${title}: ${states.length} writes\n`);
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
report('journeys/events/sample.ndjson', await statesAfterEachEvent(setup, await sampleEvents()));
report(
  `generated: ${users} users, ${days} days, seed ${seed}`,
  await statesAfterEachEvent(setup, generatedEvents(users, days, seed)),
);
