import { type Serialize, unserialized } from '../collections/keyed-queue.ts';
import type { Effect } from '../engine/effects.ts';
import { type EngineInput, inputKey } from '../engine/engine.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { CustomerState, Timer } from '../engine/state.ts';
import type { CustomerEvent, EventProblem } from '../events/index.ts';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../events/limits.ts';
import { enteringAddresses } from '../policies/customer-delivery.ts';
import type { DecidedSend } from '../policies/decided.ts';
import type { ReachOptions } from '../policies/reach.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { CallQueue, EnqueuedCall } from '../ports/call-queue.ts';
import type { CustomerStateStore, StoredCustomerState } from '../ports/customer-state-store.ts';
import type { DeadLetters } from '../ports/dead-letters.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Observer } from '../ports/observer.ts';
import type { Enqueued, SendQueue } from '../ports/send-queue.ts';
import type { StateWithSuppressions } from '../ports/state-with-suppressions.ts';
import type { TimerStore } from '../ports/timer-store.ts';
import { checkEvent, stateTooLarge } from './input-limits.ts';
import { readModifyWrite } from './read-modify-write.ts';
import type { ReadProcessWriteOptions } from './read-process-write.ts';
import { type Transition, transition } from './transition.ts';
import { changesNothingRead, readsLastSeen } from './unread-changes.ts';

/** The source of events that journeys emit (docs/journeys.md, `emit-event`). */
export const JOURNEYS_SOURCE = 'cairn.journeys';

/** Where the effects of an applied input go. */
export type EffectPorts = {
  timers: TimerStore;
  sends: SendQueue;
  events: EventPublisher;
  deadLetters: DeadLetters;
  /** Where call steps' calls go (runtime/call.ts); an input that makes a call without it is dead-lettered. */
  calls?: CallQueue;
  /** Told what each input did and how each send ended (ports/observer.ts). */
  observer?: Observer;
};

export type ApplyPorts = EffectPorts & {
  /** With `loadWithSuppressions`, the suppressions of the addresses an event brings come with the state. */
  states: CustomerStateStore & Partial<StateWithSuppressions>;
  /** The engine's context at the current time; asked again on every attempt of read-process-write. */
  context: () => EngineContext;
  /**
   * Asked, before the engine runs, for versions the state's enrollments follow that the catalog lacks: an
   * instance that deployed a version in the last minute may have enrolled this customer in it, and the catalog
   * is read again at most once a minute. It reads the registry now. Without it (the simulator, most tests), or
   * when the version is still unknown after it, the engine ends such an enrollment with `version-unavailable`.
   */
  findVersions?: (versions: readonly string[]) => Promise<unknown>;
  /** Passed on to readProcessWrite (attempts, backoff), mostly for tests. */
  retry?: Pick<ReadProcessWriteOptions, 'maxAttempts' | 'backoff' | 'sleep'>;
  /**
   * The delivery policies. When given, the sends an input makes are decided here, in the state just read and
   * in the same conditional write (caps counted in the state), and go on the send queue with their decision,
   * so that deliver does not read the customer again (docs/data-model.md, "Request budget"). Without them,
   * sends go out undecided and deliver decides.
   */
  delivery?: ReachOptions;
  /** The input limits (events/limits.ts); DEFAULT_INPUT_LIMITS when not given. */
  limits?: InputLimits;
  /**
   * Whether a template names `lastSeenAt` (unread-changes.ts). When given, an input that changes only what no
   * decision reads (its fingerprint, and `lastSeenAt` when nothing reads it) is not written; without it (some
   * tests), every change is written.
   */
  templatesReadLastSeen?: boolean;
};

/** What one input did, in numbers a handler turns into metrics and logs. */
export type InputResult = {
  userId: string;
  inputKey: string;
  /** False when the input changed nothing, e.g. an event delivered again. */
  written: boolean;
  duplicate: boolean;
  attempts: number;
  /** Journey ids entered. */
  enrolled: string[];
  sends: number;
  timersScheduled: number;
  timersCancelled: number;
  emitted: number;
  /** Effects could not be handed on and were dead-lettered instead (see DeadLetter `undispatched-effects`). */
  deadLettered: boolean;
  /** Why the input was refused and nothing written: applying it would have made the state too large. */
  refused?: string;
  effects: Effect[];
};

export type IngestOutcome =
  | { status: 'applied'; event: CustomerEvent; result: InputResult }
  /** Broke the contract: dead-lettered with its problems, and not retried (a retry cannot fix it). */
  | { status: 'invalid'; eventId: string | undefined; problems: EventProblem[] };

/**
 * One received event: checked against the customer-event contract, then applied to its customer. `received`
 * is the SQS message body (text) or the event a direct EventBridge invocation passed (already parsed).
 * `origin` names where it came from in dead letters (the SQS message id, or `direct`).
 *
 * `serialize` runs the apply keyed by the event's customer, so a caller handling several events at once (a
 * batch) keeps one customer's in order while different customers' run together: two inputs of one customer at
 * once would race for its state item and spend conditional-write retries on each other. Only the apply is
 * keyed: an invalid event has no customer to order by, and its dead letter waits for nothing.
 */
export async function ingest(
  received: unknown,
  ports: ApplyPorts,
  origin: string,
  serialize: Serialize = unserialized,
): Promise<IngestOutcome> {
  const text = typeof received === 'string' ? received : JSON.stringify(received);
  const limits = ports.limits ?? DEFAULT_INPUT_LIMITS;
  const checked = checkEvent(received, text, limits, ports.context().now);
  if (!checked.ok) return refuse(checked.problems, text, ports, origin);
  const { event } = checked;
  const { userId } = event.detail;
  const result = await serialize(userId, () => applyInput(userId, { kind: 'event', event }, ports, origin));
  if (result.refused !== undefined)
    return refuse([{ eventId: event.id, path: '', message: result.refused }], text, ports, origin);
  return { status: 'applied', event, result };
}

/** Dead-letters a refused event with every problem's field path; the record itself succeeds. */
async function refuse(
  all: EventProblem[],
  text: string,
  ports: ApplyPorts,
  origin: string,
): Promise<IngestOutcome> {
  const eventId = all.find((p) => p.eventId !== undefined)?.eventId;
  const problems = all.map(({ path, message }) => ({ path, message }));
  await ports.deadLetters.put({ kind: 'invalid-event', eventId, problems, body: text, origin });
  return { status: 'invalid', eventId, problems: all };
}

/**
 * Applies one input to one customer (read, process, conditional write; see read-process-write.ts), then hands
 * its effects on: timers to the timer store, sends to the send queue, emitted events to the publisher.
 *
 * Effects are handed on after the write, so only the effects of the attempt that was stored leave. A failure
 * in between cannot be retried through the queue (the retried input is a duplicate and yields no effects), so
 * the effects go to the dead-letter destination instead; only when that fails too does this throw.
 */
export async function applyInput(
  userId: string,
  input: EngineInput,
  ports: ApplyPorts,
  origin: string,
): Promise<InputResult> {
  // The cancel effect names only the timer id; its due time (which the timer store is keyed by) is in the
  // state the stored attempt started from, i.e. the last one loaded.
  let loaded: StoredCustomerState | undefined;
  // An address an event brings may have been suppressed before this profile held it (for another customer):
  // its own item is read with the state, in the same request, when the store can (docs/data-model.md).
  const entering = ports.delivery && input.kind === 'event' ? enteringAddresses(input.event) : [];
  let found: [string, SuppressionReason][] = [];
  const states: CustomerStateStore = {
    load: async (id) => {
      if (entering.length > 0 && ports.states.loadWithSuppressions) {
        const read = await ports.states.loadWithSuppressions(id, entering);
        found = read.suppressed;
        loaded = read.stored;
      } else loaded = await ports.states.load(id);
      return loaded;
    },
    save: (state, version, maxBytes) => ports.states.save(state, version, maxBytes),
  };
  const limits = ports.limits ?? DEFAULT_INPUT_LIMITS;
  const processed = await readModifyWrite<Omit<Transition, 'state'>>(
    userId,
    async (before) => {
      let context = ports.context();
      const unknown = ports.findVersions ? context.catalog.unknownVersions(before) : [];
      if (unknown.length > 0) {
        await ports.findVersions?.(unknown);
        context = ports.context();
      }
      const { templatesReadLastSeen } = ports;
      // An address's suppression found in the same read is adopted and written, whatever else changed.
      const unread =
        templatesReadLastSeen === undefined || found.length > 0
          ? undefined
          : (after: CustomerState, effects: readonly Effect[]) =>
              changesNothingRead(before, after, effects, () =>
                readsLastSeen({ ...context, templatesReadLastSeen }, before),
              );
      const { state, ...value } = transition(before, input, context, {
        delivery: ports.delivery,
        suppressed: found,
        limits,
        unread,
      });
      return { state, value };
    },
    // Only events are refused for the state's size (input-limits.ts, stateTooLarge).
    { ...ports.retry, store: states, ...(input.kind === 'event' ? { maxBytes: limits.maxStateBytes } : {}) },
  );
  const key = inputKey(input);
  const refused =
    processed.tooLarge === undefined ? undefined : stateTooLarge(userId, processed.tooLarge, limits);
  // A refused event's effects are not handed on: nothing of it was written.
  const { effects, decided } =
    refused === undefined ? processed.value : { effects: [], decided: new Map<string, DecidedSend>() };
  const result: InputResult = {
    userId,
    inputKey: key,
    written: processed.written,
    duplicate: effects.some((e) => e.type === 'ignored' && e.reason === 'duplicate-input'),
    attempts: processed.attempts,
    enrolled: effects.flatMap((e) => (e.type === 'enrolled' ? [e.journeyId] : [])),
    sends: 0,
    timersScheduled: 0,
    timersCancelled: 0,
    emitted: 0,
    deadLettered: false,
    effects,
    ...(refused !== undefined ? { refused } : {}),
  };
  try {
    Object.assign(result, await dispatchEffects(effects, loaded?.state, ports, decided));
  } catch (error) {
    await ports.deadLetters.put({
      kind: 'undispatched-effects',
      userId,
      inputKey: key,
      error: error instanceof Error ? error.message : String(error),
      effects,
      origin,
    });
    result.deadLettered = true;
  }
  ports.observer?.observe({ type: 'applied', at: ports.context().now, userId, origin, input, effects });
  return result;
}

type Dispatched = Pick<InputResult, 'sends' | 'timersScheduled' | 'timersCancelled' | 'emitted'>;

/**
 * Hands effects on. Every hand-off is idempotent (timers by id, sends by message id through the send ledger,
 * events by id through the engine's dedupe), so handing the same effects on twice is harmless. A send goes
 * with its policy decision when there is one (`decided`, keyed by message id).
 */
export async function dispatchEffects(
  effects: readonly Effect[],
  before: CustomerState | undefined,
  ports: EffectPorts,
  decided: ReadonlyMap<string, DecidedSend> = new Map(),
): Promise<Dispatched> {
  const schedule: Timer[] = [];
  const cancel: Pick<Timer, 'id' | 'userId' | 'dueAt'>[] = [];
  const sends: Enqueued[] = [];
  const events: CustomerEvent[] = [];
  const calls: EnqueuedCall[] = [];
  for (const effect of effects) {
    // Exhaustive: a new effect type does not compile until it says whether it needs I/O.
    switch (effect.type) {
      case 'timer-scheduled':
      case 'timer-deferred':
        schedule.push(effect.timer);
        break;
      case 'send': {
        const decision = decided.get(effect.intent.messageId);
        sends.push({
          send: { intent: effect.intent, ...(decision ? { decided: decision } : {}) },
          delaySeconds: 0,
        });
        break;
      }
      case 'event-emitted':
        events.push(emittedEvent(effect));
        break;
      case 'call':
        calls.push({ call: { intent: effect.intent, attempt: 1 }, delaySeconds: 0 });
        break;
      case 'timer-cancelled': {
        const dueAt = waitDueAt(before, effect.timerId);
        // Unknown due time: leave it; a fired timer whose wait is gone is a no-op in the engine.
        if (dueAt !== undefined) cancel.push({ id: effect.timerId, userId: effect.userId, dueAt });
        break;
      }
      // Decisions the state already holds, told to the observer; nothing to hand on.
      case 'enrolled':
      case 'not-enrolled':
      case 'moved':
      case 'send-withheld':
      case 'profile-updated':
      case 'split-assigned':
      case 'held-out':
      case 'goal-reached':
      case 'exited':
      case 'stage-changed':
      case 'segment-changed':
      case 'ignored':
      case 'call-answered':
        break;
      default: {
        const unknown: never = effect;
        throw new Error(`an effect no dispatcher handles: ${JSON.stringify(unknown)}`);
      }
    }
  }
  if (calls.length > 0 && !ports.calls)
    throw new Error('a call step made a call, and no calls queue is wired');
  // Started in this order, as one list built by pushes: a `map` spread over a list that is sometimes empty (its
  // elements small integers to V8) and sometimes of timers deoptimized this function on every change of the two
  // (docs/benchmarks.md, "Why the engine step costs about 5 times more inside the simulation").
  const handOffs: Promise<unknown>[] = [];
  if (calls.length > 0 && ports.calls) handOffs.push(ports.calls.enqueue(calls));
  for (const timer of schedule) handOffs.push(ports.timers.schedule(timer));
  for (const timer of cancel) handOffs.push(ports.timers.cancel(timer));
  if (sends.length > 0) handOffs.push(ports.sends.enqueue(sends));
  if (events.length > 0) handOffs.push(ports.events.publish(events));
  await Promise.all(handOffs);
  return {
    sends: sends.length,
    timersScheduled: schedule.length,
    timersCancelled: cancel.length,
    emitted: events.length,
  };
}

function waitDueAt(state: CustomerState | undefined, timerId: string): number | undefined {
  return state?.enrollments.find((e) => e.wait?.timerId === timerId)?.wait?.dueAt;
}

/**
 * The customer event an `emit-event` step produces. Its id is derived from the effect, so the same effect
 * handed on twice is one event to ingest. The simulator and the local stack hand it on through this too.
 */
export function emittedEvent(effect: Extract<Effect, { type: 'event-emitted' }>): CustomerEvent {
  return {
    version: '0',
    id: `${effect.enrollmentId}:emit:${effect.at}:${effect.detailType}`,
    source: JOURNEYS_SOURCE,
    'detail-type': effect.detailType,
    time: new Date(effect.at).toISOString(),
    resources: [],
    detail: { userId: effect.userId, properties: { ...effect.properties, journeyId: effect.journeyId } },
  };
}
