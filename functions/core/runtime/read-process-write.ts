import type { Effect } from '../engine/effects.ts';
import { type EngineInput, processInput } from '../engine/engine.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { CustomerState } from '../engine/state.ts';
import { type ReadModifyWriteOptions, readModifyWrite } from './read-modify-write.ts';

export type ReadProcessWriteOptions = ReadModifyWriteOptions & {
  /** The engine's context, asked for again on every attempt so that a retry runs at the current time. */
  context: () => EngineContext;
};

export type Processed = {
  state: CustomerState;
  /** The effects of the attempt that was stored; those of attempts that lost a conflict are discarded. */
  effects: Effect[];
  /** The stored version after this input, or undefined for a customer that is still not stored. */
  version: number | undefined;
  /** False when the input changed nothing (a re-delivered input), so nothing was written. */
  written: boolean;
  attempts: number;
};

/**
 * Applies one input to one customer: load the state (1 read), run the engine, save it under the version that
 * was read (1 write), through readModifyWrite. The engine is pure, so a lost attempt has no effect anywhere,
 * and it hands back the very state it was given when the input changes nothing (a re-delivered input), which
 * then costs no write.
 */
export async function readProcessWrite(
  userId: string,
  input: EngineInput,
  options: ReadProcessWriteOptions,
): Promise<Processed> {
  const done = await readModifyWrite(
    userId,
    (before) => {
      const result = processInput(before, input, options.context());
      return { state: result.state, value: result.effects };
    },
    options,
  );
  return {
    state: done.state,
    effects: done.value,
    version: done.version,
    written: done.written,
    attempts: done.attempts,
  };
}
