import { DynamoJourneyRegistry } from '../../functions/adapters/dynamodb/journey-registry.ts';
import { readEventLine } from '../../functions/core/events/event-line.ts';
import type { StatusAction } from '../../functions/core/journeys/status-overrides.ts';
import { outcomeObserver } from '../../functions/core/outcomes/observer.ts';
import type { JourneyRegistry } from '../../functions/core/ports/journey-registry.ts';
import type { OutcomeLog } from '../../functions/core/ports/outcome-log.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { type Machine, runUntil } from '../../functions/core/runtime/drive.ts';
import { InMemoryJourneyRegistry } from '../../functions/core/runtime/in-memory-journey-registry.ts';
import { changeJourneyStatus } from '../../functions/core/runtime/journey-status.ts';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { simulateEventLines } from '../../functions/core/simulate/run.ts';
import { loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';
import { entriesFromNdjson, replayStart, runEventFile } from '../../functions/local/replay.ts';
import { startLocalStack } from '../../functions/local/stack.ts';

/** An operator's `cairn journeys pause|resume ID` at a time, between the events of a file. */
export type StatusChangeAt = { at: number; journeyId: string; action: StatusAction };

export type MachineRun = {
  daysAfter: number;
  journeysDir?: string;
  /** Made in order, each before the first event at or after its time (changes after the last event are not made). */
  changes?: readonly StatusChangeAt[];
  /** The real clock both replays compare a far-future event with (core/events/limits.ts, replayArrival). */
  wallClock?: () => number;
  /** Where the machine's outcome records go (core/outcomes/), as `--log DIR` sends them to files. */
  outcomes?: OutcomeLog;
};

/**
 * What an operator does between events: each change due by the next event's time is made at its own time, on
 * the machine's clock, through the same audited status change `cairn journeys` makes.
 */
function operator(changes: readonly StatusChangeAt[], registry: JourneyRegistry) {
  const pending = [...changes].sort((a, b) => a.at - b.at);
  return async (machine: Machine, clock: VirtualClock, at: number | undefined) => {
    while (at !== undefined && pending[0] && pending[0].at <= at) {
      const change = pending.shift();
      if (!change) break;
      await runUntil(machine, clock, change.at);
      await changeJourneyStatus(registry, {
        journeyId: change.journeyId,
        action: change.action,
        by: 'parity-test',
        at: change.at,
      });
    }
  };
}

/** An event file (NDJSON text) through the simulator, as `cairn simulate --out` runs it. */
export async function throughSimulator(text: string, run: MachineRun): Promise<RunResult> {
  const config = await loadRuntimeConfig(run.journeysDir ?? 'journeys', undefined, 'UTC');
  const lines = text.split('\n').flatMap((raw, i) => readEventLine(raw, i + 1) ?? []);
  const registry = run.changes ? new InMemoryJourneyRegistry() : undefined;
  const act = registry ? operator(run.changes ?? [], registry) : undefined;
  const { result } = await simulateEventLines({
    config,
    lines,
    daysAfter: run.daysAfter,
    ...(registry ? { registry } : {}),
    ...(run.wallClock ? { wallClock: run.wallClock } : {}),
    ...(run.outcomes ? { observer: outcomeObserver(run.outcomes) } : {}),
    ...(act ? { beforeEach: (simulation, at) => act(simulation, simulation.clock, at) } : {}),
  });
  return result;
}

/**
 * An event file through the local stack (dynalite, the Lambda handlers, the EventBridge client), as
 * `npm start -- --events FILE --out` runs it; status changes go to the stack's table, as `cairn journeys` does.
 */
export async function throughLocalStack(text: string, run: MachineRun): Promise<RunResult> {
  const { entries, skipped } = entriesFromNdjson(text);
  const clock = new VirtualClock(replayStart(entries));
  const stack = await startLocalStack({
    journeysDir: run.journeysDir ?? 'journeys',
    clock,
    ...(run.outcomes ? { outcomes: run.outcomes } : {}),
  });
  const registry = new DynamoJourneyRegistry({ client: stack.dynamo.documents, tableName: stack.tableName });
  const act = operator(run.changes ?? [], registry);
  try {
    const { result } = await runEventFile(stack, clock, {
      entries,
      skipped,
      daysAfter: run.daysAfter,
      policies: null,
      beforeEach: (at) => act(stack, clock, at),
      ...(run.wallClock ? { wallClock: run.wallClock } : {}),
    });
    return result;
  } finally {
    await stack.stop();
  }
}
