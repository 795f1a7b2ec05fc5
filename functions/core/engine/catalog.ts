import { createHash } from 'node:crypto';
import { stableJson } from '../collections/stable-json.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { Journey, Step } from '../journeys/schema.ts';
import { FieldIndex } from '../patterns/field-index.ts';
import type { CompiledPattern } from '../patterns/index.ts';
import { LIFECYCLE_SOURCE, STAGE_CHANGED } from '../profile/profile.ts';
import { SegmentCatalog } from '../segments/evaluate.ts';
import type { Segment } from '../segments/schema.ts';
import { SEGMENT_ENTERED, SEGMENT_SOURCE } from '../segments/schema.ts';
import { type CompiledStep, compileStep } from '../steps/index.ts';
import { durationMs } from '../time/duration.ts';
import { dateTriggerPattern } from '../triggers/date.ts';
import { type CompiledSchedule, compileSchedule, scheduleTriggerPattern } from '../triggers/schedule.ts';
import {
  type CompiledCondition,
  type CompiledEventCondition,
  compileCondition,
  compileEventCondition,
  mustCompile,
} from './conditions.ts';
import type { CustomerState } from './state.ts';

/**
 * A journey prepared for the engine: patterns compiled, durations in ms, steps indexed by id and compiled by
 * their kinds (functions/core/steps/).
 */
export type CompiledJourney = {
  id: string;
  /** Content hash of the journey (status aside): enrollments pin it, so edits only affect new entries. */
  version: string;
  journey: Journey;
  trigger: CompiledPattern;
  audience?: CompiledCondition;
  goal?: CompiledEventCondition & { withinMs: number };
  exits: (CompiledEventCondition & { name: string })[];
  steps: ReadonlyMap<string, Step>;
  /** The same steps, compiled and ready to run (engine/steps.ts runs them). */
  compiledSteps: ReadonlyMap<string, CompiledStep>;
  /** For each step that waits for an event, that event: engine.ts ends the wait when one matches. */
  waitConditions: ReadonlyMap<Step, CompiledEventCondition>;
  start: string;
  /** A schedule trigger, ready for its arithmetic (triggers/schedule.ts). */
  schedule?: CompiledSchedule;
  /** The `schedule` window, in epoch ms. */
  window?: { start?: number; end?: number };
};

/**
 * Every journey version the engine may meet: the latest of each id (which new entries use and whose
 * status governs all versions), and older versions that in-flight enrollments still follow.
 */
export class JourneyCatalog {
  private readonly latestById = new Map<string, CompiledJourney>();
  private readonly byVersion = new Map<string, CompiledJourney>();
  private compiledSegments: SegmentCatalog | undefined;
  private triggers: FieldIndex<CompiledJourney> | undefined;
  private added = 0;

  /** `segments`: the named segments (journeys/segments/), evaluated after every input (segments/evaluate.ts). */
  constructor(
    journeys: readonly Journey[] = [],
    readonly segmentDefinitions: readonly Segment[] = [],
  ) {
    for (const journey of journeys) this.add(journey);
  }

  /**
   * The segments compiled, with the history counters that they and the latest journeys' conditions need:
   * compiled on first use and again after a journey is added.
   */
  get segments(): SegmentCatalog {
    this.compiledSegments ??= new SegmentCatalog(
      this.segmentDefinitions,
      [...this.latestById.values()].map((j) => j.journey),
    );
    return this.compiledSegments;
  }

  /** Counts the journeys added: what was derived from the latest journeys holds while it is the same. */
  get revision(): number {
    return this.added;
  }

  /** Adds a journey; when its id is known, it becomes the latest version and the older ones stay available. */
  add(journey: Journey): CompiledJourney {
    const compiled = compileJourney(journey);
    const known = this.byVersion.get(compiled.version);
    const entry = known && known.journey.status === journey.status ? known : compiled;
    this.byVersion.set(entry.version, entry);
    this.latestById.set(entry.id, entry);
    this.compiledSegments = undefined;
    this.triggers = undefined;
    this.added++;
    return entry;
  }

  /**
   * The latest journeys whose trigger may match the event, in the order of latest(): those whose trigger
   * names the event's detail-type, and those whose trigger does not name one. Each is still matched.
   */
  triggeredBy(event: CustomerEvent): readonly CompiledJourney[] {
    this.triggers ??= new FieldIndex([...this.latestById.values()], (j) => j.trigger, 'detail-type');
    return this.triggers.candidates(event);
  }

  latest(): Iterable<CompiledJourney> {
    return this.latestById.values();
  }

  latestOf(id: string): CompiledJourney | undefined {
    return this.latestById.get(id);
  }

  version(version: string): CompiledJourney | undefined {
    return this.byVersion.get(version);
  }

  /** The versions, among those the enrollments of `state` follow, that this catalog does not hold. */
  unknownVersions(state: Pick<CustomerState, 'enrollments'>): string[] {
    const unknown = new Set<string>();
    for (const { version } of state.enrollments) if (!this.version(version)) unknown.add(version);
    return [...unknown];
  }
}

export function journeyVersion(journey: Journey): string {
  const { status: _status, $schema: _schema, ...content } = journey;
  return createHash('sha256').update(stableJson(content)).digest('hex').slice(0, 16);
}

/** A stage trigger is the stage-change event that the lifecycle emits, so it is matched like any event. */
function triggerPattern(journey: Journey): unknown {
  const { event, stage, date, segment, schedule } = journey.trigger;
  if (event) return event;
  if (date) return dateTriggerPattern(journey.id);
  if (schedule) return scheduleTriggerPattern(journey.id);
  if (segment)
    return {
      source: [SEGMENT_SOURCE],
      'detail-type': [SEGMENT_ENTERED],
      detail: { properties: { segment: [segment.id] } },
    };
  const properties: Record<string, unknown> = { to: stage?.to ?? [] };
  if (stage?.from) properties.from = stage.from;
  return { source: [LIFECYCLE_SOURCE], 'detail-type': [STAGE_CHANGED], detail: { properties } };
}

export function compileJourney(journey: Journey): CompiledJourney {
  const where = `journey ${journey.id}`;
  const steps = new Map(journey.steps.map((s) => [s.id, s]));
  const compiledSteps = new Map(journey.steps.map((s) => [s.id, compileStep(s, `${where} step ${s.id}`)]));
  const waitConditions = new Map<Step, CompiledEventCondition>();
  for (const { step, awaits } of compiledSteps.values()) if (awaits) waitConditions.set(step, awaits);
  const firstStep = journey.steps[0];
  if (!firstStep) throw new Error(`${where}: no steps`);
  return {
    id: journey.id,
    version: journeyVersion(journey),
    journey,
    trigger: mustCompile(triggerPattern(journey), `${where} trigger`),
    ...(journey.audience ? { audience: compileCondition(journey.audience, `${where} audience`) } : {}),
    ...(journey.goal
      ? {
          goal: {
            ...compileEventCondition(journey.goal, `${where} goal`),
            withinMs: durationMs(journey.goal.within),
          },
        }
      : {}),
    exits: (journey.exit ?? []).map((e, i) => ({
      ...compileEventCondition(e, `${where} exit ${i}`),
      name: e.name ?? `exit-${i}`,
    })),
    steps,
    compiledSteps,
    waitConditions,
    start: journey.start ?? firstStep.id,
    ...(journey.trigger.schedule ? { schedule: compileSchedule(journey.trigger.schedule) } : {}),
    ...(journey.schedule ? { window: windowOf(journey.schedule) } : {}),
  };
}

function windowOf({ start, end }: { start?: string | undefined; end?: string | undefined }): {
  start?: number;
  end?: number;
} {
  return {
    ...(start !== undefined ? { start: Date.parse(start) } : {}),
    ...(end !== undefined ? { end: Date.parse(end) } : {}),
  };
}
