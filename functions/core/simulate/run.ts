import type { CallStub } from '../calls/stubs.ts';
import type { EventLine } from '../events/event-line.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';
import type { Observer } from '../ports/observer.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import { type RunResult, runResult } from './result.ts';
import { Simulation } from './simulation.ts';

const DAY = 86_400_000;

export type SimulationRun = {
  config: RuntimeConfig;
  /** The lines of an event file, in the order they arrive. */
  lines: AsyncIterable<EventLine> | Iterable<EventLine>;
  /** Run the clock to here; default: `daysAfter` days after the latest event. */
  until?: number | undefined;
  daysAfter?: number;
  policies?: RunResult['policies'];
  observer?: Observer;
  /** Journey versions and statuses to follow (SimulationOptions.registry). */
  registry?: JourneyRegistry;
  /** How call steps' calls are answered (SimulationOptions.calls). */
  calls?: readonly CallStub[];
  /** Told after each event put, for progress. */
  onEvent?: (simulation: Simulation) => void;
  /** Told of each line that is not an event, as it is met. */
  onSkipped?: (line: number, reason: string) => void;
  /** Awaited before each event is put, with its time: what an operator does between events (tests). */
  beforeEach?: (simulation: Simulation, at: number | undefined) => Promise<void>;
  /** The real clock (SimulationOptions.wallClock): `cairn simulate` passes it, so a run replays as npm start's. */
  wallClock?: () => number;
};

/**
 * An event file through the simulator, as `cairn simulate` runs it: each event put at its time in the order
 * of the file, then the clock run on, and the result in the shape `npm start -- --out` writes too.
 */
export async function simulateEventLines(
  run: SimulationRun,
): Promise<{ simulation: Simulation; result: RunResult }> {
  const simulation = new Simulation({
    config: run.config,
    ...(run.observer ? { observer: run.observer } : {}),
    ...(run.registry ? { registry: run.registry } : {}),
    ...(run.wallClock ? { wallClock: run.wallClock } : {}),
    ...(run.calls ? { calls: run.calls } : {}),
  });
  const skipped: RunResult['skipped'] = [];
  const lines = new Map<string, number>();
  let latest = Number.NEGATIVE_INFINITY;
  for await (const line of run.lines) {
    if (line.kind === 'skipped') {
      skipped.push({ line: line.line, reason: line.reason });
      run.onSkipped?.(line.line, line.reason);
      continue;
    }
    lines.set(line.id, line.line);
    await run.beforeEach?.(simulation, line.at);
    await simulation.put(line.value, line.at);
    // The latest arrival, not the latest time written: an event refused as too far ahead arrived earlier.
    if (line.at !== undefined) latest = Math.max(latest, simulation.now);
    run.onEvent?.(simulation);
  }
  const until =
    run.until ?? (Number.isFinite(latest) ? latest + (run.daysAfter ?? 30) * DAY : simulation.now);
  await simulation.finish(Number.isFinite(until) ? until : 0);
  const result = runResult({
    until: Number.isFinite(until) ? until : 0,
    eventsIn: simulation.eventsIn,
    skipped,
    policies: run.policies ?? null,
    tally: simulation.tally,
    deadLetters: simulation.deadLetters,
    lines,
  });
  return { simulation, result };
}
