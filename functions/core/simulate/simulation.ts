import type { JourneyCatalog } from '../engine/catalog.ts';
import type { Effect } from '../engine/effects.ts';
import { type EngineInput, processInput } from '../engine/engine.ts';
import { type CustomerState, newCustomerState, type SendIntent, type Timer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle.ts';
import type { Profile } from '../profile/profile.ts';
import { DueQueue } from './due-queue.ts';
import { type SendOutcome, type SendPipeline, sendEverything } from './pipeline.ts';
import { Tally } from './tally.ts';

export type SimulationOptions = {
  catalog: JourneyCatalog;
  pipeline?: SendPipeline;
  defaultTimezone?: string;
  /** Profiles known before the first event, e.g. from a journey test. */
  profiles?: ReadonlyMap<string, Profile>;
  /** Purchases, derived fields and lifecycle stages (journeys/lifecycle.yaml). */
  lifecycle?: LifecycleModel;
  /** Called for every effect and every send outcome, in virtual-time order (for timelines). */
  observe?: (effect: Effect, outcome?: SendOutcome) => void;
};

type Scheduled = { dueAt: number; id: string } & (
  | { kind: 'timer'; timer: Timer }
  | { kind: 'retry'; intent: SendIntent }
);

/** Emitted events may trigger other journeys, which may emit again; this bounds such a cascade. */
const MAX_EMIT_DEPTH = 8;

/**
 * Runs the engine over customer events with a virtual clock: before each event, every timer and deferred send
 * due by then fires in due order. Events are expected in time order; a late one is processed at the current
 * virtual time and counted, as the runtime would process a late delivery.
 */
export class Simulation {
  private readonly states = new Map<string, CustomerState>();
  private readonly queue = new DueQueue<Scheduled>();
  private readonly pipeline: SendPipeline;
  private readonly defaultTimezone: string;
  readonly tally: Tally;
  private clock = Number.NEGATIVE_INFINITY;
  eventsIn = 0;
  lateEvents = 0;

  constructor(private readonly options: SimulationOptions) {
    this.pipeline = options.pipeline ?? sendEverything;
    this.defaultTimezone = options.defaultTimezone ?? 'UTC';
    this.tally = new Tally(options.catalog);
  }

  get now(): number {
    return this.clock;
  }

  async processEvent(event: CustomerEvent): Promise<void> {
    const at = Date.parse(event.time);
    await this.advanceTo(at);
    if (at < this.clock) this.lateEvents++;
    this.clock = Math.max(this.clock, at);
    this.eventsIn++;
    await this.apply(event.detail.userId, { kind: 'event', event }, 0);
  }

  /** Fires everything due up to and including `until`, then reports. */
  async finish(until: number): Promise<void> {
    await this.advanceTo(until);
    this.clock = Math.max(this.clock, until);
    this.tally.finalize(this.states.values());
  }

  stateOf(userId: string): CustomerState | undefined {
    return this.states.get(userId);
  }

  pendingTimers(): number {
    return this.queue.size;
  }

  private async advanceTo(time: number): Promise<void> {
    for (let next = this.queue.peek(); next && next.dueAt <= time; next = this.queue.peek()) {
      this.queue.pop();
      this.clock = Math.max(this.clock, next.dueAt);
      if (next.kind === 'timer') await this.apply(next.timer.userId, { kind: 'timer', timer: next.timer }, 0);
      else await this.send(next.intent);
    }
  }

  private stateFor(userId: string): CustomerState {
    let state = this.states.get(userId);
    if (!state) {
      state = newCustomerState(userId);
      const profile = this.options.profiles?.get(userId);
      if (profile) state.profile = profile;
    }
    return state;
  }

  private async apply(userId: string, input: EngineInput, depth: number): Promise<void> {
    const result = processInput(this.stateFor(userId), input, {
      now: this.clock,
      catalog: this.options.catalog,
      defaultTimezone: this.defaultTimezone,
      ...(this.options.lifecycle ? { lifecycle: this.options.lifecycle } : {}),
    });
    this.states.set(userId, result.state);
    const emitted: CustomerEvent[] = [];
    for (const effect of result.effects) {
      this.tally.effect(effect);
      this.options.observe?.(effect);
      if (effect.type === 'timer-scheduled')
        this.queue.push({
          kind: 'timer',
          id: effect.timer.id,
          dueAt: effect.timer.dueAt,
          timer: effect.timer,
        });
      else if (effect.type === 'timer-deferred')
        this.queue.push({
          kind: 'timer',
          id: effect.timer.id,
          dueAt: effect.timer.dueAt,
          timer: effect.timer,
        });
      else if (effect.type === 'send') await this.send(effect.intent);
      else if (effect.type === 'event-emitted') emitted.push(this.emittedEvent(effect));
    }
    if (depth < MAX_EMIT_DEPTH)
      for (const event of emitted) await this.apply(userId, { kind: 'event', event }, depth + 1);
  }

  private async send(intent: SendIntent): Promise<void> {
    const state = this.stateFor(intent.userId);
    const outcome: SendOutcome = this.enrollmentEnded(intent.enrollmentId)
      ? { status: 'DROPPED', reason: 'enrollment_ended' }
      : await this.pipeline(intent, state, this.clock);
    this.tally.outcome(intent, outcome, this.clock);
    this.options.observe?.({ type: 'send', at: this.clock, userId: intent.userId, intent }, outcome);
    if (outcome.status === 'DEFERRED' && outcome.until !== undefined && outcome.until > this.clock) {
      this.queue.push({
        kind: 'retry',
        // Sends held until the same instant are retried in the order they were first intended.
        id: `retry:${String(intent.at).padStart(16, '0')}:${intent.messageId}`,
        dueAt: outcome.until,
        intent,
      });
    }
    if (outcome.endsEnrollment) {
      await this.apply(intent.userId, { kind: 'send-dropped', intent }, 0);
    }
  }

  /**
   * A held send is not sent once its enrollment reached its goal or ended early (an exit criterion, an exit
   * step, a dropped send...). One that ran off the end of its steps (`completed`) still sends what it held.
   */
  private enrollmentEnded(enrollmentId: string): boolean {
    const record = this.tally.enrollments.get(enrollmentId);
    return (
      record !== undefined &&
      (record.goalReachedAt !== null || (record.exitReason !== null && record.exitReason !== 'completed'))
    );
  }

  private emittedEvent(effect: Effect & { type: 'event-emitted' }): CustomerEvent {
    return {
      version: '0',
      id: `${effect.enrollmentId}:emit:${effect.at}:${effect.detailType}`,
      source: 'cairn.journeys',
      'detail-type': effect.detailType,
      time: new Date(effect.at).toISOString(),
      resources: [],
      detail: { userId: effect.userId, properties: { ...effect.properties, journeyId: effect.journeyId } },
    };
  }
}
