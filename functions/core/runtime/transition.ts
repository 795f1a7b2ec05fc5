import type { Effect } from '../engine/effects.ts';
import { type EngineInput, processInput } from '../engine/engine.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { CustomerState } from '../engine/state.ts';
import type { InputLimits } from '../events/limits.ts';
import { adoptSuppressions, decideInState, pruneCounted } from '../policies/customer-delivery.ts';
import type { DecidedSend } from '../policies/decided.ts';
import type { DecidedOutcome, SendOutcome } from '../policies/outcome.ts';
import type { ReachOptions } from '../policies/reach.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';

/** What one input makes of a customer's state, before anything is written or handed on. */
export type Transition = {
  /** The state to save: the very state given when the input changed nothing. */
  state: CustomerState;
  effects: Effect[];
  /** The delivery policies' decision of each send the input made, by message id (empty without policies). */
  decided: ReadonlyMap<string, DecidedSend>;
};

/** The decisions of an input that made no send (most inputs): one empty map, not a new one each time. */
const NONE_DECIDED: ReadonlyMap<string, DecidedSend> = new Map();

export type TransitionOptions = {
  /** The delivery policies; without them sends go out undecided and deliver decides. */
  delivery?: ReachOptions | undefined;
  /** Suppressions of the addresses the input brings, read with the state (ports/state-with-suppressions.ts). */
  suppressed?: readonly [string, SuppressionReason][];
  /** The input limits: the event-time window bounds how long inputs are remembered (engine/seen.ts). */
  limits: Pick<InputLimits, 'pastMs'>;
  /**
   * Whether the state the engine made, with these effects, differs from the one given only in what no decision
   * reads (runtime/unread-changes.ts): then nothing is decided and the state given is kept, so nothing is written.
   */
  unread?: ((after: CustomerState, effects: readonly Effect[]) => boolean) | undefined;
};

/**
 * The engine step: the pure decision for one input, as ingest, the timer sweep and a call's answer apply it
 * (applyInput, ingest.ts). The engine (profile, lifecycle stage, segments, every journey), then the delivery
 * policies' decision of each send it made, counted in the same state. Same inputs, same result; the state given
 * is not changed. The simulator, the local stack and Lambda all decide here, and `npm run bench -- engine`
 * measures it alone (docs/benchmarks.md). The state-size limit is the save's (`tooLargeToSave`,
 * ports/customer-state-store.ts), where the state is written out as text anyway: applyInput refuses the event
 * when the store reports it.
 */
export function transition(
  before: CustomerState,
  input: EngineInput,
  context: EngineContext,
  options: TransitionOptions,
): Transition {
  // Applied inputs are remembered as long as the event-time window accepts their time (engine/seen.ts).
  const result = processInput(before, input, context, context.rememberMs ?? options.limits.pastMs);
  if (result.state !== before && options.unread?.(result.state, result.effects))
    return { state: before, effects: result.effects, decided: NONE_DECIDED };
  // Nothing changed (a re-delivered input): nothing to decide and nothing to write.
  const modified =
    result.state === before || !options.delivery
      ? { state: result.state, decided: NONE_DECIDED }
      : decideSends(
          adoptSuppressions(result.state, options.suppressed ?? []),
          result.effects,
          options.delivery,
          context.now,
        );
  return { state: modified.state, effects: result.effects, decided: modified.decided };
}

/**
 * The delivery policies for every send of one input, in order, on the state the engine made: each send is
 * counted in that state when it passes, so the sends of one input count against each other, and the state
 * returned is the one to save. Counted sends past every window are dropped while the state is written anyway.
 */
function decideSends(
  state: CustomerState,
  effects: readonly Effect[],
  options: ReachOptions,
  now: number,
): { state: CustomerState; decided: ReadonlyMap<string, DecidedSend> } {
  let current = pruneCounted(state, now);
  let sends: Map<string, DecidedSend> | undefined;
  for (const effect of effects) {
    if (effect.type !== 'send') continue;
    const { intent } = effect;
    const made = decideInState(intent, current, options, now);
    current = made.state;
    const { decision } = made;
    sends ??= new Map();
    sends.set(
      intent.messageId,
      decision.pass
        ? {
            kind: 'send',
            channel: decision.channel,
            ...decision.extras,
            profile: current.profile,
          }
        : { kind: 'outcome', outcome: notSent(decision.outcome) },
    );
  }
  return { state: current, decided: sends ?? NONE_DECIDED };
}

/** The policies decide SENT only once the channel answered, which is deliver's part. */
function notSent(outcome: SendOutcome): DecidedOutcome {
  const { status } = outcome;
  if (status === 'SENT') throw new Error('an outcome decided before the ledger cannot be SENT');
  return { ...outcome, status };
}
