import type { Effect } from '../engine/effects.ts';
import type { CustomerState, SegmentTimer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import { membershipAt, nextSegmentBoundary, type SegmentCatalog } from './evaluate.ts';
import { recordHistory } from './history.ts';
import { SEGMENT_ENTERED, SEGMENT_EXITED, SEGMENT_SOURCE } from './schema.ts';

const NO_SEGMENTS: readonly string[] = [];

export type SegmentUpdate = {
  effects: Effect[];
  /** `Segment Entered` / `Segment Exited` events, which the engine puts through the journeys. */
  events: CustomerEvent[];
};

/**
 * Incremental membership: re-evaluates the customer's segments at `now` on the state already loaded (no extra
 * request), records what changed, and moves the segment timer to the next time-driven boundary. `state` is the
 * engine's working copy of one input, changed in place, as the step modules change it.
 */
export function updateSegments(
  state: CustomerState,
  catalog: SegmentCatalog,
  now: number,
  lifecycle: LifecycleModel | undefined,
): SegmentUpdate {
  const { userId } = state;
  // Fields the input empties are set undefined (JSON leaves them out), not deleted: a deleted field turns the
  // engine's draft, which has every field in one order (engine/draft.ts), into a dictionary.
  state.history = recordHistory(state.history, catalog.history, undefined, now);
  const before = state.segments ?? NO_SEGMENTS;
  const after = membershipAt(catalog, state, now, lifecycle);
  // The list the state had, when it is the same: what an input leaves alone stays the same object.
  if (after.length > 0 && !sameIds(after, state.segments)) state.segments = after;
  else if (after.length === 0) state.segments = undefined;
  const effects: Effect[] = [];
  const events: CustomerEvent[] = [];
  for (const id of before)
    if (!after.includes(id)) recordChange(effects, events, { userId, segment: id, entered: false, now });
  for (const id of after)
    if (!before.includes(id)) recordChange(effects, events, { userId, segment: id, entered: true, now });

  const dueAt = nextSegmentBoundary(catalog, state, now);
  if (dueAt === undefined) state.segmentTimer = undefined;
  else if (state.segmentTimer?.dueAt !== dueAt) {
    const timer: SegmentTimer = { id: `segments:${userId}:${dueAt}`, userId, dueAt, kind: 'segments' };
    state.segmentTimer = { id: timer.id, dueAt };
    effects.push({ at: now, userId, type: 'timer-scheduled', timer });
  }
  return { effects, events };
}

function recordChange(
  effects: Effect[],
  events: CustomerEvent[],
  change: { userId: string; segment: string; entered: boolean; now: number },
): void {
  const { userId, segment, entered, now } = change;
  effects.push({ at: now, userId, type: 'segment-changed', segment, entered });
  events.push(segmentEvent(userId, segment, entered, now));
}

function sameIds(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
}

function segmentEvent(userId: string, segment: string, entered: boolean, now: number): CustomerEvent {
  const change = entered ? 'entered' : 'exited';
  return {
    version: '0',
    id: `segment:${userId}:${now}:${segment}:${change}`,
    source: SEGMENT_SOURCE,
    'detail-type': entered ? SEGMENT_ENTERED : SEGMENT_EXITED,
    time: new Date(now).toISOString(),
    resources: [],
    detail: { userId, properties: { segment } },
  };
}
