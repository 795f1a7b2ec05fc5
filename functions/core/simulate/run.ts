import type { CallStub } from '../calls/stubs.ts';
import type { EventLine } from '../events/event-line.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';
import type { Observer } from '../ports/observer.ts';
import type { RuntimeConfig } from '../runtime/config.ts';
import { SimulationPartition } from './partition.ts';
import { type RunResult, runResult } from './result.ts';
import type { Simulation } from './simulation.ts';

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
 * An event file through the simulator, each event put at its time in the order of the file, then the clock
 * run on, and the result in the shape `npm start -- --out` writes too. One share of one
 * (simulate/partition.ts): `cairn simulate` runs the same shares, one or several.
 */
export async function simulateEventLines(
  run: SimulationRun,
): Promise<{ simulation: Simulation; result: RunResult }> {
  const partition = new SimulationPartition({
    config: run.config,
    ...(run.observer ? { observer: run.observer } : {}),
    ...(run.registry ? { registry: run.registry } : {}),
    ...(run.calls ? { calls: run.calls } : {}),
  });
  const { simulation } = partition;
  const skipped: RunResult['skipped'] = [];
  for await (const line of run.lines) {
    if (line.kind === 'skipped') {
      skipped.push({ line: line.line, reason: line.reason });
      run.onSkipped?.(line.line, line.reason);
      continue;
    }
    await run.beforeEach?.(simulation, line.at);
    await partition.line(line.at, run.wallClock?.(), line);
    run.onEvent?.(simulation);
  }
  const until = partition.until(run.until, run.daysAfter);
  await simulation.finish(until);
  const result = runResult({
    until,
    eventsIn: simulation.eventsIn,
    skipped,
    policies: run.policies ?? null,
    tally: simulation.tally,
    deadLetters: partition.deadLetters(),
  });
  return { simulation, result };
}
