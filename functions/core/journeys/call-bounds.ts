import type { PathSegment } from '../diagnostics/problem.ts';
import { boundOf } from '../steps/call.ts';
import type { Journey } from './schema.ts';

/** Where a target's bound was first seen: the step, and the bound it stated (undefined: none). */
type FirstBound = { file: string; journeyId: string; stepId: string; max: number | undefined };

/** A call step whose bound disagrees with the first step seen naming its target. */
export type BoundConflict = { path: PathSegment[]; message: string };

/**
 * The check across journeys that each call target has one bound: every call step naming a target (an HTTP
 * origin, a Lambda function) states the same `maxConcurrent`, or none does. One bound per target, written on
 * the steps where a reader of the journey sees it, and counted in one place at run time (the target's slots).
 */
export class CallBounds {
  private readonly first = new Map<string, FirstBound>();

  /** Records the journey's call steps, and returns those that disagree with a step seen before. */
  add(file: string, journey: Journey): BoundConflict[] {
    const conflicts: BoundConflict[] = [];
    journey.steps.forEach((step, index) => {
      if (step.type !== 'call') return;
      const form = 'http' in step ? 'http' : 'lambda';
      const { target, max } = boundOf(step);
      const seen = this.first.get(target);
      if (seen === undefined) {
        this.first.set(target, { file, journeyId: journey.id, stepId: step.id, max });
        return;
      }
      if (seen.max === max) return;
      const where = `step "${seen.stepId}" of journey "${seen.journeyId}" (${seen.file})`;
      const theirs = seen.max === undefined ? 'no maxConcurrent' : `maxConcurrent ${seen.max}`;
      const ours = max === undefined ? 'none here' : `${max} here`;
      conflicts.push({
        path: max === undefined ? ['steps', index, form] : ['steps', index, form, 'maxConcurrent'],
        message: `call target ${target} has ${theirs} at ${where}, ${ours}: every call step naming a target states the same bound`,
      });
    });
    return conflicts;
  }
}
