import { readEventLine } from '../../functions/core/events/event-line.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { simulateEventLines } from '../../functions/core/simulate/run.ts';
import { loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';
import { entriesFromNdjson, replayStart, runEventFile } from '../../functions/local/replay.ts';
import { startLocalStack } from '../../functions/local/stack.ts';

/** An event file (NDJSON text) through the simulator, as `cairn simulate --out` runs it. */
export async function throughSimulator(
  text: string,
  daysAfter: number,
  journeysDir = 'journeys',
): Promise<RunResult> {
  const config = await loadRuntimeConfig(journeysDir, undefined, 'UTC');
  const lines = text.split('\n').flatMap((raw, i) => readEventLine(raw, i + 1) ?? []);
  const { result } = await simulateEventLines({ config, lines, daysAfter });
  return result;
}

/**
 * An event file through the local stack (dynalite, the Lambda handlers, the EventBridge client), as
 * `npm start -- --events FILE --out` runs it.
 */
export async function throughLocalStack(
  text: string,
  daysAfter: number,
  journeysDir = 'journeys',
): Promise<RunResult> {
  const { entries, skipped } = entriesFromNdjson(text);
  const clock = new VirtualClock(replayStart(entries));
  const stack = await startLocalStack({ journeysDir, clock });
  try {
    const { result } = await runEventFile(stack, clock, { entries, skipped, daysAfter, policies: null });
    return result;
  } finally {
    await stack.stop();
  }
}
