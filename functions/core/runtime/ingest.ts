import type { Effect } from '../engine/effects.ts';
import { type EngineContext, type EngineInput, inputKey } from '../engine/engine.ts';
import type { CustomerState, Timer } from '../engine/state.ts';
import { type CustomerEvent, type EventProblem, parseCustomerEvent } from '../events/index.ts';
import type { CustomerStateStore, StoredCustomerState } from '../ports/customer-state-store.ts';
import type { DeadLetters } from '../ports/dead-letters.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Enqueued, SendQueue } from '../ports/send-queue.ts';
import type { TimerStore } from '../ports/timer-store.ts';
import { type ReadProcessWriteOptions, readProcessWrite } from './read-process-write.ts';

/** The source of events that journeys emit (docs/journeys.md, `emit-event`). */
export const JOURNEYS_SOURCE = 'cairn.journeys';

/** Where the effects of an applied input go. */
export type EffectPorts = {
  timers: TimerStore;
  sends: SendQueue;
  events: EventPublisher;
  deadLetters: DeadLetters;
};

export type ApplyPorts = EffectPorts & {
  states: CustomerStateStore;
  /** The engine's context at the current time; asked again on every attempt of read-process-write. */
  context: () => EngineContext;
  /** Passed on to readProcessWrite (attempts, backoff), mostly for tests. */
  retry?: Pick<ReadProcessWriteOptions, 'maxAttempts' | 'backoff' | 'sleep'>;
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
 */
export async function ingest(received: unknown, ports: ApplyPorts, origin: string): Promise<IngestOutcome> {
  const text = typeof received === 'string' ? received : JSON.stringify(received);
  const parsed = typeof received === 'string' ? parseJson(received) : { ok: true as const, value: received };
  const checked: ReturnType<typeof parseCustomerEvent> = parsed.ok
    ? parseCustomerEvent(parsed.value)
    : { ok: false, problems: [{ eventId: undefined, path: '', message: `not JSON: ${parsed.error}` }] };
  if (!checked.ok) {
    const eventId = checked.problems.find((p) => p.eventId !== undefined)?.eventId;
    const problems = checked.problems.map(({ path, message }) => ({ path, message }));
    await ports.deadLetters.put({ kind: 'invalid-event', eventId, problems, body: text, origin });
    return { status: 'invalid', eventId, problems: checked.problems };
  }
  const { event } = checked;
  const result = await applyInput(event.detail.userId, { kind: 'event', event }, ports, origin);
  return { status: 'applied', event, result };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
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
  const states: CustomerStateStore = {
    load: async (id) => {
      loaded = await ports.states.load(id);
      return loaded;
    },
    save: (state, version) => ports.states.save(state, version),
  };
  const processed = await readProcessWrite(userId, input, {
    ...ports.retry,
    store: states,
    context: ports.context,
  });
  const key = inputKey(input);
  const { effects } = processed;
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
  };
  try {
    Object.assign(result, await dispatchEffects(effects, loaded?.state, ports));
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
  return result;
}

type Dispatched = Pick<InputResult, 'sends' | 'timersScheduled' | 'timersCancelled' | 'emitted'>;

/**
 * Hands effects on. Every hand-off is idempotent (timers by id, sends by message id through the send ledger,
 * events by id through the engine's dedupe), so handing the same effects on twice is harmless.
 */
export async function dispatchEffects(
  effects: readonly Effect[],
  before: CustomerState | undefined,
  ports: EffectPorts,
): Promise<Dispatched> {
  const schedule: Timer[] = [];
  const cancel: Pick<Timer, 'id' | 'userId' | 'dueAt'>[] = [];
  const sends: Enqueued[] = [];
  const events: CustomerEvent[] = [];
  for (const effect of effects) {
    if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred') schedule.push(effect.timer);
    else if (effect.type === 'send') sends.push({ send: { intent: effect.intent }, delaySeconds: 0 });
    else if (effect.type === 'event-emitted') events.push(emittedEvent(effect));
    else if (effect.type === 'timer-cancelled') {
      const dueAt = waitDueAt(before, effect.timerId);
      // Unknown due time: leave it; a fired timer whose wait is gone is a no-op in the engine.
      if (dueAt !== undefined) cancel.push({ id: effect.timerId, userId: effect.userId, dueAt });
    }
  }
  await Promise.all([
    ...schedule.map((t) => ports.timers.schedule(t)),
    ...cancel.map((t) => ports.timers.cancel(t)),
    sends.length > 0 ? ports.sends.enqueue(sends) : undefined,
    events.length > 0 ? ports.events.publish(events) : undefined,
  ]);
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
 * handed on twice is one event to ingest. Same shape as the simulator's (core/simulate/simulation.ts).
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
