// npm run bench -- segments: the batch segment evaluation's profiles/s on one core, as the segment scan's
// worker does it per Segment (functions/handlers/segments/index.ts) once DynamoDB has returned the items.

import {
  STATE_ATTRIBUTES,
  stateItem,
  storedState,
} from '../functions/adapters/dynamodb/customer-state-store.ts';
import type { CustomerState } from '../functions/core/engine/state.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import { Population } from '../functions/core/lifecycle/population.ts';
import { batchMembers } from '../functions/core/segments/batch.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Customer states folded by the engine from generated events (the sample journeys, segments and lifecycle
 * model), stored as the table stores them; then timed: decoding the items (the codec and the schema, as the
 * Scan's pages are read) and evaluating every sample segment with the one evaluator, as of the period's end.
 */
export async function segmentEvaluation(
  users = Number(process.env.CAIRN_BENCH_SEGMENT_USERS ?? 20_000),
): Promise<void> {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  const days = 90;
  const population = new Population(config.lifecycle, 'UTC', config.catalog);
  for (const event of generateEvents({ users, days, seed: 1, start: '2026-01-01' })) population.add(event);
  const items = population.customers().map((state) => stateItem(state, 1));
  const at = Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000;
  const catalog = config.catalog.segments;
  const ids = catalog.definitions.map((s) => s.id);
  const stored = items.reduce((n, item) => {
    const state = item[STATE_ATTRIBUTES.state];
    return n + (state instanceof Uint8Array ? state.byteLength : 0);
  }, 0);

  // A warm-up pass, so the figures are of the optimised code, as in a warm Lambda.
  evaluate(items.slice(0, 2_000).map((item) => storedState(item).state));
  // CPU time as well as wall time: on a shared machine the wall clock counts other processes' turns.
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const started = [performance.now(), cpu()] as const;
  const states = items.map((item) => storedState(item).state);
  const decoded = [performance.now(), cpu()] as const;
  const counts = evaluate(states);
  const done = [performance.now(), cpu()] as const;

  const perSecond = (ms: number) => (items.length * 1000) / ms;
  const rates = (from: readonly [number, number], to: readonly [number, number]) =>
    `${fmt(perSecond(to[0] - from[0]))}/s wall, ${fmt(perSecond(to[1] - from[1]))}/s of CPU`;
  console.log(
    `segments: ${fmt(items.length)} customer states (compressed state ${fmt(stored / items.length)} bytes on average), ${ids.length} segments, one core`,
  );
  console.log(
    `segments: decode ${rates(started, decoded)}; evaluate (${ids.length} segments) ${rates(decoded, done)}; one segment's scan (decode, then evaluate one): ${fmt(perSecond(decoded[1] - started[1] + (done[1] - decoded[1]) / ids.length))} profiles/s of CPU`,
  );
  console.log(
    `segments: members as of the period's end: ${ids.map((id, i) => `${id} ${counts[i]}`).join(', ')}`,
  );

  function evaluate(batch: CustomerState[]): number[] {
    // One segment per run, as the scan evaluates one: the figure is per segment evaluated.
    return ids.map((id) => batchMembers(batch, catalog, id, at, config.lifecycle).length);
  }
}
