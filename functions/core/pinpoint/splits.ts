import type { Condition, Step } from '../journeys/schema.ts';
import { parseDuration } from '../time/duration.ts';
import { type ConditionContext, simpleCondition } from './conditions.ts';
import type { ObjectFindings } from './report.ts';
import type { Activity, WaitTime } from './source.ts';

/**
 * Pinpoint's waits and splits as Cairn steps: a Wait's WaitTime, and the yes/no (ConditionalSplit) and
 * multivariate (MultiCondition) splits, each with its evaluation wait before the branch.
 */

export type WaitStep = Extract<Step, { type: 'wait' }>;

/** What a split needs from the journey's step builder (activities.ts). */
export type StepTools = {
  readonly findings: ObjectFindings;
  /** Says why the activity is not mapped; returns no steps. */
  fail(path: string, why: string): Step[];
  /** The step an activity id leads to: the end step when it has none. */
  required(next: string | undefined): string;
  waitStep(id: string, time: WaitTime | undefined, at: string): WaitStep | undefined;
  /** In a draft, the placeholder segment (it selects no one) for a split with no condition set. */
  unfinishedCondition(): string | undefined;
  conditionContext(window: string | undefined): ConditionContext;
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/;

/** A wait step for a WaitTime (WaitFor: a duration, WaitUntil: an instant), or why not. */
export function waitOf(
  id: string,
  time: WaitTime | undefined,
  at: string,
): { ok: true; step: WaitStep } | { ok: false; path: string; why: string } {
  if (time?.WaitFor !== undefined) {
    const parsed = parseDuration(time.WaitFor);
    if (parsed.ok) return { ok: true, step: { id, type: 'wait', duration: time.WaitFor } };
    return { ok: false, path: `${at}.WaitFor`, why: `${parsed.message} (found "${time.WaitFor}")` };
  }
  if (time?.WaitUntil !== undefined) {
    // Cairn instants have whole seconds: Pinpoint's milliseconds are dropped.
    const instant = time.WaitUntil.replace(/\.\d+(?=Z|[+-])/, '');
    if (INSTANT.test(instant) && !Number.isNaN(Date.parse(instant)))
      return { ok: true, step: { id, type: 'wait', until: { at: instant } } };
    return {
      ok: false,
      path: `${at}.WaitUntil`,
      why: `expected an ISO-8601 instant with its offset, found "${time.WaitUntil}"`,
    };
  }
  return { ok: false, path: at, why: 'a wait needs WaitFor or WaitUntil' };
}

/**
 * Where a split begins: its evaluation wait, if any (the split's entry step is then the wait, the branch
 * `<id>-check` after it), and the context its conditions are read in (the wait's window for event conditions).
 */
function splitStart(
  tools: StepTools,
  id: string,
  time: WaitTime | undefined,
  where: string,
): { steps: Step[]; branchId: string; context: ConditionContext } {
  if (time === undefined) return { steps: [], branchId: id, context: tools.conditionContext(undefined) };
  const branchId = `${id}-check`;
  const wait = tools.waitStep(id, time, `${where}.EvaluationWaitTime`);
  return {
    steps: wait ? [{ ...wait, next: branchId }] : [],
    branchId,
    context: tools.conditionContext(time.WaitFor),
  };
}

/** A yes/no split: ANY (or one condition) is one branch per condition; ALL a chain of branches. */
export function conditionalSplitSteps(
  tools: StepTools,
  id: string,
  split: NonNullable<Activity['ConditionalSplit']>,
  at: string,
): Step[] {
  const where = `${at}.ConditionalSplit`;
  const { steps, branchId, context } = splitStart(tools, id, split.EvaluationWaitTime, where);
  const given = split.Condition?.Conditions ?? [];
  const placeholder = given.every((c) => Object.values(c).every((v) => v === undefined))
    ? tools.unfinishedCondition()
    : undefined;
  if (placeholder !== undefined)
    tools.findings.skip(
      `${where}.Condition`,
      `no condition set (the journey is an unfinished draft): the branch asks for segment ${placeholder}, which selects no one, so everyone goes down its FalseActivity path until you write the condition`,
    );
  const conditions =
    placeholder !== undefined
      ? [{ segment: placeholder }]
      : given.map((c, i) =>
          simpleCondition(c, `${where}.Condition.Conditions[${i}]`, context, tools.findings),
        );
  if (conditions.length === 0)
    return tools.fail(`${where}.Condition`, 'a conditional split needs conditions');
  if (conditions.some((c) => c === undefined)) return tools.fail(where, 'a condition could not be mapped');
  const defined = conditions.filter((c): c is Condition => c !== undefined);
  const yes = tools.required(split.TrueActivity);
  const no = tools.required(split.FalseActivity);
  if (split.Condition?.Operator === 'ANY' || defined.length === 1)
    return [
      ...steps,
      {
        id: branchId,
        type: 'branch',
        branches: defined.map((when) => ({ name: 'true', when, next: yes })),
        default: no,
      },
    ];
  // ALL: one branch per condition in a chain, each going on to the next only when its condition holds.
  const chain = defined.map((_, i) => (i === 0 ? branchId : `${branchId}-${i + 1}`));
  const links: Step[] = defined.map((when, i) => ({
    id: chain[i] ?? branchId,
    type: 'branch',
    branches: [
      { name: i === defined.length - 1 ? 'true' : `condition ${i + 1}`, when, next: chain[i + 1] ?? yes },
    ],
    default: no,
  }));
  return [...steps, ...links];
}

/** A multivariate split: a branch per path, the rest to the default activity. */
export function multiConditionSteps(
  tools: StepTools,
  id: string,
  split: NonNullable<Activity['MultiCondition']>,
  at: string,
): Step[] {
  const where = `${at}.MultiCondition`;
  const { steps, branchId, context } = splitStart(tools, id, split.EvaluationWaitTime, where);
  const otherwise = elsePath(tools, split, where);
  const branches = (split.Branches ?? []).flatMap((b, i) => {
    if (!b.Condition) return [];
    const when = simpleCondition(b.Condition, `${where}.Branches[${i}].Condition`, context, tools.findings);
    return [
      when === undefined
        ? undefined
        : { name: `branch ${i + 1}`, when, next: tools.required(b.NextActivity) },
    ];
  });
  if (branches.length === 0) return tools.fail(`${where}.Branches`, 'a multivariate split needs branches');
  if (branches.some((b) => b === undefined))
    return tools.fail(where, 'a branch condition could not be mapped');
  return [
    ...steps,
    { id: branchId, type: 'branch', branches: branches.filter((b) => b !== undefined), default: otherwise },
  ];
}

/**
 * Where a multivariate split sends those no branch takes: its DefaultActivity, else its branch without a
 * condition (the API reference's JourneyResponse sample has one: "two paths ... based on a segment condition").
 * A branch with neither condition nor next activity (an unfinished one) is left out.
 */
function elsePath(tools: StepTools, split: NonNullable<Activity['MultiCondition']>, where: string): string {
  const open = (split.Branches ?? []).flatMap((b, i) => (b.Condition ? [] : [{ b, i }]));
  let otherwise = split.DefaultActivity;
  for (const { b, i } of open) {
    const path = `${where}.Branches[${i}]`;
    if (b.NextActivity === undefined)
      tools.findings.skip(path, 'a branch with no condition and no next activity (unfinished): left out');
    else if (otherwise === undefined) {
      otherwise = b.NextActivity;
      tools.findings.map(
        path,
        'a branch without a condition: the default path, for those no other branch takes',
      );
    } else
      tools.findings.skip(path, 'a branch without a condition, beside the default path: no one takes it');
  }
  return tools.required(otherwise);
}
