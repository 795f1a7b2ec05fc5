import { MinHeap } from '../collections/min-heap.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { FaultPlan } from './faults.ts';

/**
 * An event as it reaches the ingest queue: `at` is its arrival, which a fault may put after its own time;
 * `copy` marks a redelivery of an event that arrived before (duplicate-event).
 */
export type Arrival = { event: CustomerEvent; at: number; copy: boolean };

/** How far a redelivered copy may come after the original: a week, well inside the 90-day duplicate window. */
export const DUPLICATE_DELAY_MS = { min: 1_000, max: 7 * 86_400_000 } as const;
/**
 * How long a reordered event is held back: up to 2 minutes, so it arrives after the events of its session that
 * followed it, and well before the shortest wait of the sample journeys (docs/runtime.md, "Arrival order": the
 * order window decides in event time for arrivals spread over less than that).
 */
export const REORDER_DELAY_MS = { min: 1_000, max: 120_000 } as const;

type Pending = Arrival & { seq: number };
const sooner = (a: Pending, b: Pending) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * The events of a population (in time order) as they arrive with faults: some held back (reordered-event),
 * some delivered again later with the same id (duplicate-event). Streams: only the held-back events and the
 * copies still to come are kept, never the population.
 */
export function* arrivalsWithFaults(events: Iterable<CustomerEvent>, plan: FaultPlan): Generator<Arrival> {
  const pending = new MinHeap<Pending>(sooner);
  let seq = 0;
  for (const event of events) {
    const time = Date.parse(event.time);
    for (let next = pending.peek(); next && next.at <= time; next = pending.peek()) yield pop(pending);
    if (plan.strikes('duplicate-event'))
      pending.push({
        event,
        at: time + plan.between(DUPLICATE_DELAY_MS.min, DUPLICATE_DELAY_MS.max),
        copy: true,
        seq: seq++,
      });
    if (plan.strikes('reordered-event'))
      pending.push({
        event,
        at: time + plan.between(REORDER_DELAY_MS.min, REORDER_DELAY_MS.max),
        copy: false,
        seq: seq++,
      });
    else yield { event, at: time, copy: false };
  }
  while (pending.size > 0) yield pop(pending);
}

/**
 * The same arrivals without the redelivered copies: each event once, at the time `arrivalsWithFaults` gives it
 * (held back or not), for a plan drawn from the same seed and stream.
 */
export function* arrivalsWithoutCopies(events: Iterable<CustomerEvent>, plan: FaultPlan): Generator<Arrival> {
  for (const arrival of arrivalsWithFaults(events, plan)) if (!arrival.copy) yield arrival;
}

function pop(heap: MinHeap<Pending>): Arrival {
  const item = heap.pop();
  if (!item) throw new Error('arrivalsWithFaults: popped an empty heap');
  return { event: item.event, at: item.at, copy: item.copy };
}
