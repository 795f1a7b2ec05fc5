import type { Condition, Step } from '../journeys/schema.ts';
import { durationMs } from '../time/duration.ts';
import type { JourneyOut } from './journeys.ts';

/**
 * The paths of an imported journey from its entry to each end, for its generated journey test
 * (journey-tests.ts): the decisions a customer must take on each (branch conditions, split and holdout
 * buckets), the messages sent and when, and how it ends.
 */

export type Decision =
  | { kind: 'branch'; step: string; holds: Condition[]; fails: Condition[]; since: number }
  | { kind: 'bucket'; step: string; from: number; to: number };

export type Path = {
  label: string[];
  decisions: Decision[];
  sends: { step: string; at: number }[];
  /** When the latest wait began, from entry: a history condition's event is put just after it. */
  waitedFrom: number;
  calls: string[];
  heldOut: boolean;
  variant?: string;
  end: string;
  elapsed: number;
};

/** When the generated tests start: a fixed Monday morning, so that waits until a date are stable. */
export const START = Date.parse('2026-11-02T09:00:00Z');

/**
 * Every path from the entry to an end, a step met twice on a path ending it (a loop is walked once).
 * `enteredAt` is when the customer enters: a wait until a date waits from then.
 */
export function walk(journey: JourneyOut, enteredAt = START): Path[] {
  const byId = new Map(journey.steps.map((s) => [s.id, s]));
  const first = journey.start ?? journey.steps[0]?.id ?? '';
  const paths: Path[] = [];
  const go = (id: string | undefined, path: Path, seen: ReadonlySet<string>) => {
    const step = id === undefined ? undefined : byId.get(id);
    // The path ends as its last step said (an exit step), else completed.
    if (step === undefined) {
      paths.push(path);
      return;
    }
    if (seen.has(step.id)) {
      paths.push({ ...path, end: 'completed' });
      return;
    }
    const next = new Set([...seen, step.id]);
    for (const [to, extended] of successors(step, path, enteredAt)) go(to, extended, next);
  };
  go(
    first,
    {
      label: [],
      decisions: [],
      sends: [],
      waitedFrom: 0,
      calls: [],
      heldOut: false,
      end: 'completed',
      elapsed: 0,
    },
    new Set(),
  );
  return paths;
}

/** Where a step can lead, each with the path as it is after the step. */
function successors(step: Step, path: Path, enteredAt: number): [string | undefined, Path][] {
  const at = path.elapsed;
  switch (step.type) {
    case 'send':
      // A held-out customer's later messages are withheld (the holdout step); the earlier ones were sent.
      return [[step.next, path.heldOut ? path : { ...path, sends: [...path.sends, { step: step.id, at }] }]];
    case 'wait': {
      const waited =
        'duration' in step
          ? durationMs(step.duration)
          : 'until' in step && step.until.at
            ? Math.max(0, Date.parse(step.until.at) - enteredAt - at)
            : 0;
      return [[step.next, { ...path, elapsed: at + waited, waitedFrom: at }]];
    }
    case 'branch':
      return branchSuccessors(step, path);
    case 'split': {
      let from = 0;
      return step.variants.map((v) => {
        const bucket: Decision = { kind: 'bucket', step: step.id, from, to: from + v.percent };
        from += v.percent;
        return [
          v.next,
          {
            ...path,
            variant: v.name,
            label: [...path.label, `${step.id}: ${v.name}`],
            decisions: [...path.decisions, bucket],
          },
        ];
      });
    }
    case 'holdout':
      return holdoutSuccessors(step, path);
    case 'call':
      return [[step.next, { ...path, calls: [...path.calls, step.id] }]];
    case 'exit':
      return [[undefined, { ...path, end: step.reason ? `exit-step:${step.reason}` : 'exit-step' }]];
    default:
      return [[undefined, { ...path, end: 'unsupported' }]];
  }
}

/** A branch leads down each of its branches (its condition holds, the earlier ones fail) and its default. */
function branchSuccessors(step: Extract<Step, { type: 'branch' }>, path: Path): [string | undefined, Path][] {
  const decided = (label: string, holds: Condition[], fails: Condition[]): Path => ({
    ...path,
    label: [...path.label, `${step.id}: ${label}`],
    decisions: [...path.decisions, { kind: 'branch', step: step.id, holds, fails, since: path.waitedFrom }],
  });
  return [
    ...step.branches.map((b, i): [string | undefined, Path] => [
      b.next,
      decided(
        b.name ?? `branch ${i + 1}`,
        [b.when],
        step.branches.slice(0, i).map((x) => x.when),
      ),
    ]),
    [
      step.default,
      decided(
        'otherwise',
        [],
        step.branches.map((x) => x.when),
      ),
    ],
  ];
}

/** A holdout leads on twice: held out (its messages withheld) and not. */
function holdoutSuccessors(
  step: Extract<Step, { type: 'holdout' }>,
  path: Path,
): [string | undefined, Path][] {
  const bucket = (from: number, to: number): Decision => ({ kind: 'bucket', step: step.id, from, to });
  return [
    [
      step.next,
      {
        ...path,
        heldOut: true,
        label: [...path.label, `${step.id}: held out`],
        decisions: [...path.decisions, bucket(0, step.percent)],
      },
    ],
    [
      step.next,
      {
        ...path,
        label: [...path.label, `${step.id}: not held out`],
        decisions: [...path.decisions, bucket(step.percent, 100)],
      },
    ],
  ];
}
