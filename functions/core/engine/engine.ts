import type { CallResult } from '../calls/intent.ts';
import { type CustomerEvent, dedupeKey } from '../events/index.ts';
import { parseInstant } from '../time/instant.ts';
import { fingerprint } from './bucket.ts';
import { StateDraft } from './draft.ts';
import type { Effect } from './effects.ts';
import type { EngineContext } from './engine-context.ts';
import { checkInput, rememberInput } from './seen.ts';
import type { CustomerState, SendIntent, Timer } from './state.ts';
import { Work } from './work.ts';

/**
 * send-dropped: the delivery policies dropped a send whose journey asked for `onCap: drop`, which ends its
 * enrollment. It is fed back as an input because the engine hands sends off and never waits for them.
 */
export type EngineInput =
  | { kind: 'event'; event: CustomerEvent }
  | { kind: 'timer'; timer: Timer }
  | { kind: 'send-dropped'; intent: SendIntent }
  /** The answer of a call step's call (runtime/call.ts), or its failure. */
  | { kind: 'call-result'; result: CallResult };
export type EngineResult = { state: CustomerState; effects: Effect[] };

export function inputKey(input: EngineInput): string {
  switch (input.kind) {
    case 'event':
      return dedupeKey(input.event);
    case 'timer':
      return `timer:${input.timer.id}`;
    case 'send-dropped':
      return `send-dropped:${input.intent.messageId}`;
    case 'call-result':
      return `call-result:${input.result.callId}`;
    default: {
      const unknown: never = input;
      throw new Error(`unknown input ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Decides what one input (a customer event or a due timer) does to one customer. Pure: the state passed in
 * is not changed, the same inputs always give the same result, and every decision is returned as an effect.
 */
export function processInput(
  state: CustomerState,
  input: EngineInput,
  context: EngineContext,
  /** The context's `rememberMs` unless given: transition gives the input limits' window, not spreading a context. */
  rememberMs: number | undefined = context.rememberMs,
): EngineResult {
  const key = inputKey(input);
  const print = fingerprint(key);
  const at = inputTime(input, context.now);
  const check = checkInput(state, print, at, context.now, rememberMs);
  if (check.seen) {
    return {
      state,
      effects: [
        { type: 'ignored', at: context.now, userId: state.userId, reason: 'duplicate-input', inputKey: key },
      ],
    };
  }
  const work = new Work(new StateDraft(state), context);
  if (input.kind === 'event') work.onEvent(input.event);
  else if (input.kind === 'timer') work.onTimer(input.timer);
  else if (input.kind === 'call-result') work.onCallResult(input.result);
  else work.onSendDropped(input.intent);
  work.finish(check.next ?? rememberInput(state, print, at, context.now, rememberMs));
  return { state: work.state, effects: work.effects };
}

/** The time an input is remembered by: an event's own time; a timer's or a dropped send's processing time. */
function inputTime(input: EngineInput, now: number): number {
  if (input.kind !== 'event') return now;
  const at = parseInstant(input.event.time);
  return Number.isFinite(at) ? at : now;
}
