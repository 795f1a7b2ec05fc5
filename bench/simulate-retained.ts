// What one share of `cairn simulate` holds after an event file, by part: each part is dropped in turn and the
// heap measured after two full collections, so a row is what that part alone kept alive. A profile, not a
// benchmark: it reaches into the simulation's private fields by name, and ends the simulation doing so.
// Usage: node --expose-gc --import tsx bench/simulate-retained.ts EVENTS.ndjson [--spill]
// --spill: states, claims and timers in spill files, as `cairn simulate` keeps them (cli/simulate/share.ts).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { SpillFile } from '../functions/adapters/files/spill-file.ts';
import { streamEventLines } from '../functions/cli/event-stream.ts';
import { SimulationPartition } from '../functions/core/simulate/partition.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';

const MiB = 2 ** 20;

/** A field of an object by name, private or not, for the profile only. */
const field = (holder: unknown, name: string): unknown =>
  typeof holder === 'object' && holder !== null ? Reflect.get(holder, name) : undefined;

/** How many items a Map, Set, array or heap (`size`) holds. */
function countOf(value: unknown): number | undefined {
  if (value instanceof Map || value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  const size = field(value, 'size');
  return typeof size === 'number' ? size : undefined;
}

const [file, spill] = process.argv.slice(2);
const collect = Reflect.get(globalThis, 'gc');
if (!file || typeof collect !== 'function')
  throw new Error('usage: node --expose-gc --import tsx bench/simulate-retained.ts EVENTS.ndjson');
const heapUsed = () => {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
};

const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
let retired = 0;
const spillDir = spill === '--spill' ? mkdtempSync(join(tmpdir(), 'cairn-retained-')) : undefined;
const spillFile = (name: string) => new SpillFile({ dir: spillDir ?? '', name });
const partition = new SimulationPartition({
  config,
  ...(spillDir
    ? { texts: { states: spillFile('states'), claims: spillFile('claims'), timers: spillFile('timers') } }
    : {}),
  keepSent: false,
  // As `cairn simulate` does: final records leave the share (here they are only counted).
  retire: { message: () => retired++, enrollment: () => retired++ },
});
let lines = 0;
for await (const line of streamEventLines(file)) {
  if (line.kind === 'skipped') continue;
  await partition.line(line.at, Date.now(), { value: line.value, id: line.id, line: line.line });
  lines++;
}
const { heapTotal, heapUsed: used, rss, external, arrayBuffers } = process.memoryUsage();
const { total_physical_size, malloced_memory, peak_malloced_memory } = getHeapStatistics();
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
console.log(
  `${lines} events, ${retired} records retired; RSS ${mib(rss)} (peak ${mib(process.resourceUsage().maxRSS * 1024)}): V8 heap used ${mib(used)}, committed ${mib(heapTotal)} (physical ${mib(total_physical_size)}), malloced by V8 ${mib(malloced_memory)} (peak ${mib(peak_malloced_memory)}), external ${mib(external)} (array buffers ${mib(arrayBuffers)}), outside the heap ${mib(rss - total_physical_size)}`,
);

const { simulation } = partition;
const tally = simulation.tally;
/** Each part: a name, where it is held, and its field. */
const parts: [string, unknown, string][] = [
  ['tally: messages under way', tally, 'messages'],
  ['tally: enrollments under way', tally, 'enrollments'],
  ['tally: exited enrollments with an open goal window', tally, 'closing'],
  ['tally: group facts', tally, 'groupFacts'],
  ['policy store: claims (the send ledger), their text', simulation.policyStore, 'claims'],
  ['policy store: suppressions', simulation.policyStore, 'suppressions'],
  ['timer store: pending timers', simulation.timers, 'pending'],
  ['timer store: their text', simulation.timers, 'texts'],
  ['timer store: its heap (fired and cancelled entries too)', simulation.timers, 'order'],
  ['queues: ingest', simulation, 'ingestQueue'],
  ['queues: send', simulation, 'sendQueue'],
  ['queues: calls', simulation, 'callQueue'],
  ['errors of failed messages', simulation, 'errors'],
  ['dead letters', simulation, 'deadLetters'],
  ['paced send times', simulation, 'paced'],
  ['call ledger', simulation, 'callLedger'],
  ['customer states: versions and addresses', simulation.states, 'records'],
  ['customer states: their text', simulation.states, 'texts'],
];
console.log('| part | items | MiB |\n| --- | ---: | ---: |');
let before = heapUsed();
for (const [name, holder, key] of parts) {
  const items = countOf(field(holder, key)) ?? countOf(field(field(holder, key), 'live'));
  Reflect.set(Object(holder), key, null);
  const after = heapUsed();
  console.log(
    `| ${name} | ${items?.toLocaleString('en-US') ?? ''} | ${((before - after) / MiB).toFixed(1)} |`,
  );
  before = after;
}
console.log(`| the rest (code, journeys, caches) | | ${(before / MiB).toFixed(1)} |`);
