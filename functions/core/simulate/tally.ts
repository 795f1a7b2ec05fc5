import { MinHeap } from '../collections/min-heap.ts';
import type { JourneyCatalog } from '../engine/catalog.ts';
import type { Effect } from '../engine/effects.ts';
import type { EngineInput } from '../engine/engine.ts';
import { isWaitTimer, type SendIntent } from '../engine/state.ts';
import type { DeliveryOutcome } from '../policies/outcome.ts';
import type { Observation } from '../ports/observer.ts';
import { declaredGroups } from '../results/declared.ts';
import type { DeclaredGroup } from '../results/group-results.ts';
import { runOf } from '../triggers/schedule.ts';
import { emptyJourney, emptyStep } from './counters.ts';
import { GroupFacts, groupOf } from './facts.ts';
import type { EnrollmentRecord, JourneyCounters, MessageRecord, RunTally, StepCounters } from './records.ts';

export type {
  EnrollmentRecord,
  GoalGroup,
  JourneyCounters,
  MessageRecord,
  RunTally,
  StepCounters,
} from './records.ts';

/** A call step's call: how many attempts were made, and what the enrollment took from it. */
export type CallRecord = {
  callId: string;
  userId: string;
  journeyId: string;
  stepId: string;
  /** Attempts made (requests sent to the target). */
  attempts: number;
  /** When the enrollment took the answer; null while it waits. */
  answeredAt: string | null;
  ok: boolean | null;
  reason: string | null;
  /** The saved fields' names. */
  saved: string[];
};

type Counter = Record<string, number>;

/** Where a tally hands each record once it is final (Tally's `retire`). */
export type RetiredRecords = {
  message(record: MessageRecord): void;
  enrollment(record: EnrollmentRecord): void;
};

/**
 * The outcomes after which a message is not observed again (runtime/deliver.ts: a re-delivery of a finished
 * send is not an outcome). A held one comes back; a failed or unknown one may be redriven.
 */
const FINAL: ReadonlySet<string> = new Set(['SENT', 'SKIPPED', 'DROPPED']);

const iso = (ms: number) => new Date(ms).toISOString();
const bump = (counter: Counter, key: string) => {
  counter[key] = (counter[key] ?? 0) + 1;
};

/**
 * Turns what the use cases observed (ports/observer.ts) into messages, enrollments and counters: one result
 * for the simulator, journey tests and the local stack alike.
 */
export class Tally {
  readonly messages = new Map<string, MessageRecord>();
  readonly enrollments = new Map<string, EnrollmentRecord>();
  /** Call steps' calls, by call id. */
  readonly calls = new Map<string, CallRecord>();
  readonly journeys: Record<string, JourneyCounters> = {};
  /** The groups each journey declares (holdout, variants) and their shares, for the results' checks. */
  readonly declared: Record<string, DeclaredGroup[]> = {};
  /** The runs of scheduled journeys: each run's record, and what the engine made of its entries. */
  readonly runs = new Map<string, RunTally>();

  /** The journeys counted: their declared steps order the counters (simulate/counters.ts). */
  readonly catalog: JourneyCatalog;
  /** Exited enrollments whose goal window is still open, by when it closes (with `retire`). */
  private readonly closing = new MinHeap<{ closes: number; id: string }>(
    (a, b) => a.closes < b.closes || (a.closes === b.closes && a.id < b.id),
  );
  /** The facts of the journeys that compare groups, gathered as each enrollment and message is counted. */
  readonly groupFacts: GroupFacts;

  /**
   * With `retire`, a record is counted and handed on as soon as it is final (a message sent, skipped or
   * dropped; an enrollment exited), and not kept: what a long simulation keeps is then what is still under way.
   * Without it, every record is kept until the end (journey tests, `cairn explain`, the local stack).
   */
  constructor(
    catalog: JourneyCatalog,
    private readonly retire?: RetiredRecords,
  ) {
    this.catalog = catalog;
    for (const journey of catalog.latest()) this.journey(journey.id);
    Object.assign(this.declared, declaredOf(catalog));
    this.groupFacts = new GroupFacts(
      new Set(
        Object.entries(this.declared)
          .filter(([, groups]) => groups.length > 0)
          .map(([id]) => id),
      ),
    );
  }

  private journey(id: string): JourneyCounters {
    let counters = this.journeys[id];
    if (!counters) {
      counters = emptyJourney();
      this.journeys[id] = counters;
    }
    return counters;
  }

  private step(journeyId: string, stepId: string): StepCounters {
    const journey = this.journey(journeyId);
    let counters = journey.steps[stepId];
    if (!counters) {
      counters = emptyStep();
      journey.steps[stepId] = counters;
    }
    return counters;
  }

  observe(observation: Observation): void {
    if (observation.type === 'applied') {
      for (const effect of observation.effects) this.effect(effect);
      if (this.retire)
        for (const effect of observation.effects)
          if (effect.type === 'exited') this.exited(effect.enrollmentId);
      const entry = scheduledEntryOf(observation.input);
      if (entry) this.runEntry(entry, observation.effects);
    } else if (observation.type === 'called') this.call(observation.intent).attempts++;
    else if (observation.type === 'audience-run')
      this.run(observation.record.journeyId, observation.record.run).record = observation.record;
    else this.outcome(observation.intent, observation.outcome, observation.at);
    if (this.retire) this.retireClosed(observation.at);
  }

  /**
   * An exited enrollment changes no more once its goal is reached or its journey has none; otherwise its goal
   * window stays open (engine.ts, goalOpen) and it is retired once the clock has passed the window.
   */
  private exited(id: string): void {
    const record = this.enrollments.get(id);
    if (!record) return;
    const goal = this.catalog.version(record.version)?.goal;
    if (record.goalReachedAt !== null || !goal) this.retireEnrollment(id);
    else this.closing.push({ closes: Date.parse(record.enteredAt) + goal.withinMs, id });
  }

  /** Retires the exited enrollments whose goal window closed before `now`. */
  private retireClosed(now: number): void {
    for (let next = this.closing.peek(); next && next.closes < now; next = this.closing.peek()) {
      this.closing.pop();
      this.retireEnrollment(next.id);
    }
  }

  private run(journeyId: string, run: string): RunTally {
    const key = `${journeyId}|${run}`;
    let tally = this.runs.get(key);
    if (!tally) {
      tally = { journeyId, run, entered: 0, notEntered: {} };
      this.runs.set(key, tally);
    }
    return tally;
  }

  /** What the engine made of a run's entry input: enrolled, or not and why. */
  private runEntry(entry: { journeyId: string; run: string }, effects: readonly Effect[]): void {
    for (const effect of effects) {
      if (effect.type === 'enrolled' && effect.journeyId === entry.journeyId)
        this.run(entry.journeyId, entry.run).entered++;
      if (effect.type === 'not-enrolled' && effect.journeyId === entry.journeyId)
        bump(this.run(entry.journeyId, entry.run).notEntered, effect.reason);
    }
  }

  private call(of: { callId: string; userId: string; journeyId: string; stepId: string }): CallRecord {
    let record = this.calls.get(of.callId);
    if (!record) {
      const { callId, userId, journeyId, stepId } = of;
      record = {
        callId,
        userId,
        journeyId,
        stepId,
        attempts: 0,
        answeredAt: null,
        ok: null,
        reason: null,
        saved: [],
      };
      this.calls.set(callId, record);
    }
    return record;
  }

  effect(effect: Effect): void {
    switch (effect.type) {
      case 'enrolled':
        this.journey(effect.journeyId).entered++;
        this.enrollments.set(effect.enrollmentId, {
          enrollmentId: effect.enrollmentId,
          userId: effect.userId,
          journeyId: effect.journeyId,
          version: effect.version,
          enteredAt: iso(effect.at),
          holdout: false,
          variant: null,
          exitedAt: null,
          exitReason: null,
          goalReachedAt: null,
          goalEventId: null,
          goalRevenue: null,
          goalCurrency: null,
          waitingAt: null,
        });
        return;
      case 'not-enrolled':
        bump(this.journey(effect.journeyId).notEntered, effect.reason);
        return;
      case 'moved':
        this.step(effect.journeyId, effect.stepId).entered++;
        this.updateEnrollment(effect.enrollmentId, (e) => {
          e.waitingAt = null;
        });
        return;
      case 'timer-scheduled': {
        const { timer } = effect;
        if (isWaitTimer(timer))
          this.updateEnrollment(timer.enrollmentId, (e) => {
            e.waitingAt = timer.stepId;
          });
        return;
      }
      case 'send-withheld':
        bump(this.step(effect.journeyId, effect.stepId).withheld, effect.reason);
        return;
      case 'split-assigned':
        this.updateEnrollment(effect.enrollmentId, (e) => {
          e.variant = effect.variant;
        });
        return;
      case 'held-out':
        this.updateEnrollment(effect.enrollmentId, (e) => {
          e.holdout = true;
        });
        return;
      case 'goal-reached':
        this.journey(effect.journeyId).goalReached++;
        this.updateEnrollment(effect.enrollmentId, (e) => {
          e.goalReachedAt = iso(effect.at);
          e.goalEventId = effect.eventId;
          e.goalRevenue = effect.revenue ?? null;
          e.goalCurrency = effect.currency ?? null;
          e.waitingAt = null;
        });
        return;
      case 'exited':
        bump(this.journey(effect.journeyId).exited, effect.reason);
        this.updateEnrollment(effect.enrollmentId, (e) => {
          e.exitedAt = iso(effect.at);
          e.exitReason = effect.reason;
          e.waitingAt = null;
        });
        return;
      case 'call-answered': {
        const record = this.call(effect);
        record.answeredAt = iso(effect.at);
        record.ok = effect.ok;
        record.reason = effect.reason ?? null;
        record.saved = effect.saved;
        return;
      }
      default:
        return;
    }
  }

  outcome(intent: SendIntent, outcome: DeliveryOutcome, now: number): void {
    const previous = this.messages.get(intent.messageId);
    const policies = 'rule' in outcome || 'until' in outcome || 'notes' in outcome ? outcome : undefined;
    this.messages.set(intent.messageId, {
      messageId: intent.messageId,
      userId: intent.userId,
      journeyId: intent.journeyId,
      journeyVersion: intent.journeyVersion,
      stepId: intent.stepId,
      channels: intent.channels,
      channel: 'channel' in outcome ? (outcome.channel ?? null) : null,
      template: intent.template,
      category: intent.category,
      tags: intent.tags,
      priority: intent.priority,
      variant: intent.variant ?? null,
      intendedAt: iso(intent.at),
      at: iso(now),
      status: outcome.status,
      reason: outcome.reason,
      rule: policies?.rule ?? null,
      until: policies?.until === undefined ? null : iso(policies.until),
      notes: policies?.notes ?? [],
      passedOver: 'passedOver' in outcome ? (outcome.passedOver ?? []) : [],
      deferrals: (previous?.deferrals ?? 0) + (previous?.status === 'DEFERRED' ? 1 : 0),
    });
    // Every hold is counted; a message's final outcome only once, at finalize (a held message is observed
    // again when it comes back; a later re-delivery of a finished one is not observed: runtime/deliver.ts).
    if (outcome.status === 'DEFERRED') bump(this.journey(intent.journeyId).held, outcome.reason);
    const record = this.messages.get(intent.messageId);
    if (this.retire && record && FINAL.has(record.status)) {
      this.messages.delete(record.messageId);
      this.countMessage(record);
      this.retire.message(record);
    }
  }

  /**
   * Counts the messages' final outcomes, where enrollments wait at the end, and the goal rate per variant and
   * control group; with `retire`, hands on every record still kept.
   */
  finalize(): void {
    for (const message of this.messages.values()) this.countMessage(message);
    for (const record of this.enrollments.values()) this.countEnrollment(record);
    if (!this.retire) return;
    for (const message of this.messages.values()) this.retire.message(message);
    for (const record of this.enrollments.values()) this.retire.enrollment(record);
    this.messages.clear();
    this.enrollments.clear();
  }

  private countMessage(message: MessageRecord): void {
    const journey = this.journey(message.journeyId);
    bump(journey.outcomes, `${message.status}:${message.reason}`);
    for (const note of message.notes) bump(journey.notes, note);
    this.groupFacts.message(message);
    if (message.status === 'DEFERRED') return;
    const step = this.step(message.journeyId, message.stepId);
    bump(step.outcomes, `${message.status}:${message.reason}`);
    if (message.status === 'SENT' && message.channel) bump(step.sentByChannel, message.channel);
  }

  private countEnrollment(record: EnrollmentRecord): void {
    if (record.waitingAt !== null && record.exitReason === null)
      this.step(record.journeyId, record.waitingAt).waiting++;
    const group = groupOf(record);
    const journey = this.journey(record.journeyId);
    const counts = journey.goalByGroup[group] ?? { entered: 0, reached: 0 };
    counts.entered++;
    if (record.goalReachedAt) counts.reached++;
    journey.goalByGroup[group] = counts;
    this.groupFacts.enrollment(record);
  }

  private retireEnrollment(id: string): void {
    const record = this.enrollments.get(id);
    if (!record || !this.retire) return;
    this.enrollments.delete(id);
    this.countEnrollment(record);
    this.retire.enrollment(record);
  }

  private updateEnrollment(id: string, change: (record: EnrollmentRecord) => void): void {
    const record = this.enrollments.get(id);
    if (record) change(record);
  }
}

/** The groups each journey of the catalog declares (holdout, variants) and their shares. */
export function declaredOf(catalog: JourneyCatalog): Record<string, DeclaredGroup[]> {
  return Object.fromEntries(
    [...catalog.latest()].map((journey) => [journey.id, declaredGroups(journey.journey)]),
  );
}

/** The journey and run an engine input enters for, when it is a scheduled entry (an event or a timer). */
export function scheduledEntryOf(input: EngineInput): { journeyId: string; run: string } | undefined {
  if (input.kind === 'timer')
    return input.timer.kind === 'entry'
      ? { journeyId: input.timer.journeyId, run: input.timer.run }
      : undefined;
  if (input.kind !== 'event') return undefined;
  const run = runOf(input.event);
  const journeyId = input.event.detail.properties.journeyId;
  return run !== undefined && typeof journeyId === 'string' ? { journeyId, run } : undefined;
}
