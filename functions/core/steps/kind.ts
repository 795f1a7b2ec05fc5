import * as z from 'zod';
import type { PathSegment } from '../diagnostics/problem.ts';
import { formProblems, valueAt } from '../diagnostics/zod-problems.ts';
import type { CompiledEventCondition } from '../engine/conditions.ts';
import type { Effect, ExitReason, OfEnrollment } from '../engine/effects.ts';
import type { CustomerState, Enrollment } from '../engine/state.ts';
import type { Category, JourneyLimits, OnCap } from '../journeys/schema-parts.ts';

/** A step kind's schema: an object with an `id` and a constant `type`, which the union discriminates on. */
export type StepSchema = z.ZodType<{ id: string; type: string }> & z.core.$ZodTypeDiscriminable;

/** One form of a step kind written in several forms: an object with the kind's constant `type`. */
export type StepForm<T extends string> = z.ZodType<{ id: string; type: T }> & z.core.$ZodTypeDiscriminable;

/**
 * A step kind written in several forms, which differ in which keys they have (a wait has a duration, an until
 * or an event): the union of the forms, as one option of the Step union. That union is discriminated by
 * `type`, and zod finds an option's `type` in the option's `propValues`, which it computes for objects but
 * not for unions; so the union is given the one `type` its forms share. It is given last, and the result is
 * not to be changed further: a zod method returns a clone, which would not have it. `problem` words what is
 * wrong when a step has the keys of no form: zod's message, and the one diagnostics/zod-problems.ts reports
 * at the step (it finds it in `formProblems`).
 */
export function stepForms<
  T extends string,
  const Forms extends readonly [StepForm<T>, StepForm<T>, ...StepForm<T>[]],
>(
  type: T,
  forms: Forms,
  { description, problem }: { description: string; problem: (raw: unknown) => string | undefined },
): z.ZodUnion<Forms> & z.core.$ZodTypeDiscriminable {
  const union = z.union(forms, { error: (issue) => problem(issue.input) }).describe(description);
  formProblems.add(union, { problem });
  union._zod.propValues = { type: new Set([type]) };
  if (!isDiscriminable(union)) throw new Error(`the forms of the ${type} step cannot be told apart by type`);
  return union;
}

function isDiscriminable<S extends z.core.$ZodType>(schema: S): schema is S & z.core.$ZodTypeDiscriminable {
  return schema._zod.propValues !== undefined;
}

/** A step id a step can go to, and the path of the field that names it, relative to the step. */
export type StepEdge = { path: PathSegment[]; target: string };

/** A problem the schema cannot express, at a path relative to the step. */
export type StepFinding = { path: PathSegment[]; message: string };

/**
 * What a step leaves the engine to do: go on to `next` (when undefined, the enrollment completes), or stop
 * because the enrollment now waits or has ended.
 */
export type StepOutcome = { next: string | undefined } | 'stop';

/** What a step may know of its journey; engine/catalog.ts's CompiledJourney is one. */
export type StepJourney = {
  readonly id: string;
  readonly version: string;
  readonly journey: { readonly category: Category; readonly onCap: OnCap; readonly limits?: JourneyLimits };
};

/**
 * What the engine gives a step while it runs for one enrollment of one customer (engine/steps.ts makes it).
 * The state is the working copy of one input: steps change it in place, and every decision is an effect.
 */
export interface StepContext {
  /** The engine's clock for this input. */
  readonly now: number;
  /** For local times of day when the profile has no valid timezone. */
  readonly defaultTimezone: string;
  readonly state: CustomerState;
  readonly journey: StepJourney;
  readonly enrollment: Enrollment;
  /** The profile view that conditions see, with the lifecycle's derived fields; built when asked for. */
  view(): Record<string, unknown>;
  /** Records an effect. */
  emit(effect: Effect): void;
  /** The fields every effect about this enrollment starts with. */
  ofEnrollment(): OfEnrollment;
  /** Ends the enrollment now, with this reason. */
  end(reason: ExitReason): void;
}

/**
 * One kind of journey step, whole: how it is written (schema), where it can go and what else the validator
 * checks, what the catalog precomputes for it, what the engine does with it, and how `cairn validate`
 * describes it.
 * functions/core/steps/index.ts assembles the kinds into the one table everything else is derived from.
 *
 * The validator's functions read the raw document, which may not have passed the schema yet: that is how graph
 * problems are reported together with schema problems. The others get the parsed step.
 */
export type StepKind<Schema extends StepSchema, Compiled> = {
  /** The `type` that selects this kind in a journey file. */
  readonly type: z.output<Schema>['type'];
  readonly schema: Schema;
  /** True when the step may hold the enrollment on a timer, so that a loop through it is no endless loop. */
  readonly waits: boolean;
  /** The step ids the step can go to, each with the path of its field. */
  readonly edges: (raw: unknown) => StepEdge[];
  /** The paths of the step's event patterns, which the validator compiles; absent when it has none. */
  readonly patterns?: (raw: unknown) => PathSegment[][];
  /**
   * The paths of the step's engagement conditions (`{ step, is }`), whose `step` the validator checks names a
   * send step of the journey; absent when it has none.
   */
  readonly engagements?: (raw: unknown) => PathSegment[][];
  /** What the schema cannot check about the step alone; absent when there is nothing. */
  readonly check?: (raw: unknown) => StepFinding[];
  /** What the catalog precomputes once per journey version; `where` names the step in errors. */
  readonly compile: (step: z.output<Schema>, where: string) => Compiled;
  /** The event a waiting step of this kind waits for, which engine.ts matches events against; absent: none. */
  readonly awaits?: (compiled: Compiled) => CompiledEventCondition | undefined;
  /** Runs the step for the context's enrollment. */
  readonly execute: (step: z.output<Schema>, compiled: Compiled, context: StepContext) => StepOutcome;
  /** One line for the account of the journey that `cairn validate` prints, after the step id. */
  readonly describe: (step: z.output<Schema>) => string;
  /** How the step is drawn in the journey's diagram (`cairn graph`, functions/core/graph/). */
  readonly draw: (step: z.output<Schema>) => StepDrawing;
};

/**
 * What a way out of a step means, for a diagram's style: the ordinary next step, one of several choices (a
 * branch, a split variant), or what a waiting step does when its time runs out or its call fails.
 */
export type WayKind = 'next' | 'choice' | 'timeout' | 'failure';

/** One way out of a step: the step it goes to (undefined: the enrollment completes), and its label if any. */
export type StepWay = { to: string | undefined; kind: WayKind; label?: string };

/**
 * A step as a diagram shows it: a short label, and every way out of it (each target of its `edges`, and
 * undefined where the enrollment completes).
 */
export type StepDrawing = { label: string; ways: StepWay[] };

/** The part of a kind that reads raw documents only: what the validator uses, whatever the kind. */
export type RawStepKind = Pick<
  StepKind<StepSchema, unknown>,
  'type' | 'schema' | 'waits' | 'edges' | 'patterns' | 'engagements' | 'check'
>;

/** The step ids at these paths of a raw step; a path holding no string is no edge (the schema reports it). */
export function edgesAt(raw: unknown, paths: readonly PathSegment[][]): StepEdge[] {
  return paths.flatMap((path) => {
    const target = valueAt(raw, path);
    return typeof target === 'string' ? [{ path, target }] : [];
  });
}

/** The path `[list, i, ...rest]` for each item of the list at `list` in a raw step. */
export function eachItem(raw: unknown, list: string, ...rest: PathSegment[]): PathSegment[][] {
  const items = valueAt(raw, [list]);
  return Array.isArray(items) ? items.map((_, i) => [list, i, ...rest]) : [];
}

/** The `compile` of a kind that needs nothing precomputed. */
export const nothingToCompile = (): undefined => undefined;
