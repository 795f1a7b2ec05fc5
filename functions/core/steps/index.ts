import * as z from 'zod';
import type { CompiledEventCondition } from '../engine/conditions.ts';
import { branch } from './branch.ts';
import { call } from './call.ts';
import { emitEvent } from './emit-event.ts';
import { exit } from './exit.ts';
import { holdout } from './holdout.ts';
import type { RawStepKind, StepContext, StepDrawing, StepKind, StepOutcome } from './kind.ts';
import { send } from './send.ts';
import { split } from './split.ts';
import { updateProfile } from './update-profile.ts';
import { wait } from './wait.ts';

/**
 * The step kinds, by their `type`: the one table that the journey schema's `Step` union, the validator's
 * graph and step checks, the catalog's compile, the engine's execution and the journey's account
 * (describe.ts) are all derived from.
 * Adding a kind is a module in this folder and a line here (and its section in docs/journeys.md).
 *
 * The order is the order of the `Step` union, and so of journeys/schema.json and of its error messages
 * ("expected one of send, wait, ...").
 */
const KINDS = {
  send,
  wait,
  branch,
  split,
  holdout,
  'update-profile': updateProfile,
  'emit-event': emitEvent,
  call,
  exit,
};

type Kinds = typeof KINDS;
export type StepType = keyof Kinds;
type SchemaOf<T extends StepType> = Kinds[T]['schema'];
type CompiledOf<T extends StepType> = ReturnType<Kinds[T]['compile']>;
type StepOf<T extends StepType> = z.output<SchemaOf<T>>;

/**
 * The same table, typed so that TypeScript relates each entry to its own step type (a "correlated union"), and
 * so that each key is its kind's `type`.
 */
const TABLE: { readonly [T in StepType]: StepKind<SchemaOf<T>, CompiledOf<T>> & { readonly type: T } } =
  KINDS;

/** The table itself, for the test that keeps it whole. */
export const STEP_TABLE = TABLE;

/** Every kind in table order, as the validator sees them: functions of the raw document. */
export const STEP_KINDS: readonly RawStepKind[] = Object.values(TABLE);

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('the step table is empty');
  return [first, ...rest];
}

/** A journey step: one of the kinds' schemas, told apart by `type`. */
export const Step = z.lazy(() =>
  z.discriminatedUnion('type', nonEmpty(Object.values(TABLE).map((kind) => kind.schema))),
);
export type Step = z.infer<typeof Step>;

/** The kind that a raw step's `type` names, if any. */
export function stepKindOf(type: unknown): RawStepKind | undefined {
  return STEP_KINDS.find((kind) => kind.type === type);
}

/** A step prepared by the catalog: its kind's compile done once per journey version, ready to run. */
export type CompiledStep = {
  readonly step: Step;
  /** The event the step waits for, when it is a wait for an event (engine.ts matches events against it). */
  readonly awaits: CompiledEventCondition | undefined;
  /** Runs the step: its kind's execute, with what compile precomputed. */
  readonly run: (context: StepContext) => StepOutcome;
};

/** Compiles a step with its kind; `where` names the step in errors. */
export function compileStep(step: Step, where: string): CompiledStep {
  return compileAs(step.type, step, where);
}

function compileAs<T extends StepType>(type: T, step: StepOf<T>, where: string): CompiledStep {
  const kind = TABLE[type];
  const compiled = kind.compile(step, where);
  return {
    step,
    awaits: kind.awaits?.(compiled),
    run: (context) => kind.execute(step, compiled, context),
  };
}

/** One line about what the step does, for the account of its journey that `cairn validate` prints. */
export function describeStep(step: Step): string {
  return describeAs(step.type, step);
}

function describeAs<T extends StepType>(type: T, step: StepOf<T>): string {
  return TABLE[type].describe(step);
}

/** How the step is drawn in its journey's diagram (functions/core/graph/). */
export function drawStep(step: Step): StepDrawing {
  return drawAs(step.type, step);
}

function drawAs<T extends StepType>(type: T, step: StepOf<T>): StepDrawing {
  return TABLE[type].draw(step);
}
