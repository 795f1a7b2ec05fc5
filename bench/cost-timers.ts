// What the cost bench (bench/cost.ts) counts of another timer layout: one timer item per customer holding the
// earliest due time of the state's timers, instead of one item per timer (docs/deploy.md, "Monthly cost
// estimate"), so that whether it writes fewer is counted, not argued.
import type { CustomerState } from '../functions/core/engine/state.ts';

/** The earliest due time of the timers a state holds: its waits, its lifecycle, segment and date timers. */
function earliestDue(state: CustomerState | undefined): number | undefined {
  if (!state) return undefined;
  const due = [
    ...state.enrollments.flatMap((e) => (e.status === 'active' && e.wait ? [e.wait.dueAt] : [])),
    ...(state.lifecycleTimer ? [state.lifecycleTimer.dueAt] : []),
    ...(state.segmentTimer ? [state.segmentTimer.dueAt] : []),
    ...Object.values(state.dates ?? {}).flatMap((d) => (d.timer ? [d.timer.dueAt] : [])),
  ];
  return due.length === 0 ? undefined : Math.min(...due);
}

/**
 * Counts the writes of one item per customer at its earliest due time: a write (put or delete, 1 unit) after
 * each save of a state that moved it (an input that saves nothing moves no timer).
 */
export function earliestDueLayout(): { writes: number; saved(state: CustomerState): void } {
  const stored = new Map<string, number | undefined>();
  return {
    writes: 0,
    saved(state) {
      const due = earliestDue(state);
      if (due === stored.get(state.userId)) return;
      stored.set(state.userId, due);
      this.writes++;
    },
  };
}
