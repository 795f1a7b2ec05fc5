import type { JourneyCatalog } from '../engine/catalog.ts';
import type { GoalGroup, JourneyCounters, RunTally, StepCounters } from './records.ts';

type Counter = Record<string, number>;

/** A counter with its keys in one order (alphabetical), whatever order they were first counted in. */
function sortedCounter(counter: Counter): Counter {
  return Object.fromEntries(Object.entries(counter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Adds (`sign` 1) or takes away (-1) a counter's counts; a key counted down to nothing is dropped. */
function addCounter(into: Counter, from: Counter, sign = 1): void {
  for (const [key, count] of Object.entries(from)) {
    const sum = (into[key] ?? 0) + sign * count;
    if (sum === 0) delete into[key];
    else into[key] = sum;
  }
}

/** A step's counters before anything is counted. */
export const emptyStep = (): StepCounters => ({
  entered: 0,
  waiting: 0,
  outcomes: {},
  sentByChannel: {},
  withheld: {},
});

/** A journey's counters before anything is counted. */
export const emptyJourney = (): JourneyCounters => ({
  entered: 0,
  outcomes: {},
  notes: {},
  held: {},
  notEntered: {},
  exited: {},
  goalReached: 0,
  goalByGroup: {},
  steps: {},
});

/** Adds one partition's counters of a journey to the sum of the others' (`sign` -1: takes them away). */
function addJourney(into: JourneyCounters, from: JourneyCounters, sign: number): void {
  into.entered += sign * from.entered;
  into.goalReached += sign * from.goalReached;
  for (const key of ['outcomes', 'notes', 'held', 'notEntered', 'exited'] as const)
    addCounter(into[key], from[key], sign);
  for (const [group, counts] of Object.entries(from.goalByGroup)) {
    const sum: GoalGroup = into.goalByGroup[group] ?? { entered: 0, reached: 0 };
    sum.entered += sign * counts.entered;
    sum.reached += sign * counts.reached;
    // A tally makes a group's counts with its first enrollment: counted down to none, it has none.
    if (sum.entered === 0 && sum.reached === 0) delete into.goalByGroup[group];
    else into.goalByGroup[group] = sum;
  }
  for (const [stepId, step] of Object.entries(from.steps)) {
    const sum = into.steps[stepId] ?? emptyStep();
    sum.entered += sign * step.entered;
    sum.waiting += sign * step.waiting;
    addCounter(sum.outcomes, step.outcomes, sign);
    addCounter(sum.sentByChannel, step.sentByChannel, sign);
    addCounter(sum.withheld, step.withheld, sign);
    // Likewise a step's counters, made by the first thing counted at the step.
    if (isEmptyStep(sum)) delete into.steps[stepId];
    else into.steps[stepId] = sum;
  }
}

const isEmptyStep = (step: StepCounters) =>
  step.entered === 0 &&
  step.waiting === 0 &&
  [step.outcomes, step.sentByChannel, step.withheld].every((counter) => Object.keys(counter).length === 0);

/**
 * The journeys' counters in one order whatever order the customers came in, so that a run split across
 * workers writes what one worker writes: journeys in the catalog's order (others after, alphabetically), steps in the
 * order the journey declares them (others, e.g. of a removed version, after them alphabetically), and every
 * counter's keys alphabetically.
 */
export function canonicalJourneys(
  journeys: Record<string, JourneyCounters>,
  catalog: JourneyCatalog,
): Record<string, JourneyCounters> {
  const result: Record<string, JourneyCounters> = {};
  const listed = [...catalog.latest()].map((journey) => journey.id);
  const rankOf = (id: string) => {
    const index = listed.indexOf(id);
    return index === -1 ? listed.length : index;
  };
  const ordered = Object.entries(journeys).sort(
    ([a], [b]) => rankOf(a) - rankOf(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const [id, journey] of ordered) {
    const declared = [...(catalog.latestOf(id)?.steps.keys() ?? [])];
    const rank = (stepId: string) => {
      const index = declared.indexOf(stepId);
      return index === -1 ? declared.length : index;
    };
    const steps = Object.entries(journey.steps).sort(
      ([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    result[id] = {
      entered: journey.entered,
      outcomes: sortedCounter(journey.outcomes),
      notes: sortedCounter(journey.notes),
      held: sortedCounter(journey.held),
      notEntered: sortedCounter(journey.notEntered),
      exited: sortedCounter(journey.exited),
      goalReached: journey.goalReached,
      goalByGroup: Object.fromEntries(
        Object.entries(journey.goalByGroup).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      steps: Object.fromEntries(
        steps.map(([stepId, step]) => [
          stepId,
          {
            entered: step.entered,
            waiting: step.waiting,
            outcomes: sortedCounter(step.outcomes),
            sentByChannel: sortedCounter(step.sentByChannel),
            withheld: sortedCounter(step.withheld),
          },
        ]),
      ),
    };
  }
  return result;
}

/**
 * The sum of the partitions' counters (canonicalJourneys puts them in order), less those of `less`: the counts a
 * subset of the customers added to `parts` in an earlier pass (simulate/subset-merge.ts).
 */
export function sumJourneys(
  parts: readonly Record<string, JourneyCounters>[],
  less: readonly Record<string, JourneyCounters>[] = [],
): Record<string, JourneyCounters> {
  const sum: Record<string, JourneyCounters> = {};
  const add = (part: Record<string, JourneyCounters>, sign: number) => {
    for (const [id, journey] of Object.entries(part)) {
      const into = sum[id] ?? emptyJourney();
      addJourney(into, journey, sign);
      sum[id] = into;
    }
  };
  for (const part of parts) add(part, 1);
  for (const part of less) add(part, -1);
  return sum;
}

/**
 * The runs of scheduled journeys, each partition's share of a run added up: every partition runs each run over
 * its own customers, at the same minute and with the same run id; less the shares of `less` (see sumJourneys).
 * In the order of their journey and due time.
 */
export function sumRuns(
  parts: readonly (readonly RunTally[])[],
  less: readonly (readonly RunTally[])[] = [],
): RunTally[] {
  const runs = new Map<string, RunTally>();
  const add = (run: RunTally, sign: number) => {
    const key = `${run.journeyId}|${run.run}`;
    const sum = runs.get(key);
    if (!sum) {
      // Every share runs every run: what is taken away was added first.
      if (sign < 0) throw new Error(`run ${key} is taken away from a sum that does not have it`);
      runs.set(key, structuredClone(run));
      return;
    }
    sum.entered += sign * run.entered;
    addCounter(sum.notEntered, run.notEntered, sign);
    if (sum.record && run.record) {
      const { record } = sum;
      record.audience += sign * run.record.audience;
      record.entries += sign * run.record.entries;
      record.timers += sign * run.record.timers;
      record.attempts = Math.max(record.attempts, run.record.attempts);
      addCounter(record.skipped, run.record.skipped, sign);
    } else if (sign > 0) sum.record ??= run.record;
  };
  for (const part of parts) for (const run of part) add(run, 1);
  for (const part of less) for (const run of part) add(run, -1);
  return [...runs.values()]
    .map((run) => ({
      ...run,
      notEntered: sortedCounter(run.notEntered),
      ...(run.record ? { record: { ...run.record, skipped: sortedCounter(run.record.skipped) } } : {}),
    }))
    .sort((a, b) => (a.record?.dueAt ?? 0) - (b.record?.dueAt ?? 0) || a.run.localeCompare(b.run));
}
