import type { JourneyCatalog } from '../engine/catalog.ts';
import type { GoalGroup, JourneyCounters, RunTally, StepCounters } from './records.ts';

type Counter = Record<string, number>;

/** A counter with its keys in one order (alphabetical), whatever order they were first counted in. */
function sortedCounter(counter: Counter): Counter {
  return Object.fromEntries(Object.entries(counter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function addCounter(into: Counter, from: Counter): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
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

/** Adds one partition's counters of a journey to the sum of the others'. */
function addJourney(into: JourneyCounters, from: JourneyCounters): void {
  into.entered += from.entered;
  into.goalReached += from.goalReached;
  for (const key of ['outcomes', 'notes', 'held', 'notEntered', 'exited'] as const)
    addCounter(into[key], from[key]);
  for (const [group, counts] of Object.entries(from.goalByGroup)) {
    const sum: GoalGroup = into.goalByGroup[group] ?? { entered: 0, reached: 0 };
    sum.entered += counts.entered;
    sum.reached += counts.reached;
    into.goalByGroup[group] = sum;
  }
  for (const [stepId, step] of Object.entries(from.steps)) {
    const sum = into.steps[stepId] ?? emptyStep();
    sum.entered += step.entered;
    sum.waiting += step.waiting;
    addCounter(sum.outcomes, step.outcomes);
    addCounter(sum.sentByChannel, step.sentByChannel);
    addCounter(sum.withheld, step.withheld);
    into.steps[stepId] = sum;
  }
}

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

/** The sum of the partitions' counters (canonicalJourneys puts them in order). */
export function sumJourneys(
  parts: readonly Record<string, JourneyCounters>[],
): Record<string, JourneyCounters> {
  const sum: Record<string, JourneyCounters> = {};
  for (const part of parts)
    for (const [id, journey] of Object.entries(part)) {
      const into = sum[id] ?? emptyJourney();
      addJourney(into, journey);
      sum[id] = into;
    }
  return sum;
}

/**
 * The runs of scheduled journeys, each partition's share of a run added up: every partition runs each run over
 * its own customers, at the same minute and with the same run id. In the order of their journey and due time.
 */
export function sumRuns(parts: readonly (readonly RunTally[])[]): RunTally[] {
  const runs = new Map<string, RunTally>();
  for (const part of parts)
    for (const run of part) {
      const key = `${run.journeyId}|${run.run}`;
      const sum = runs.get(key);
      if (!sum) {
        runs.set(key, structuredClone(run));
        continue;
      }
      sum.entered += run.entered;
      addCounter(sum.notEntered, run.notEntered);
      if (sum.record && run.record) {
        const { record } = sum;
        record.audience += run.record.audience;
        record.entries += run.record.entries;
        record.timers += run.record.timers;
        record.attempts = Math.max(record.attempts, run.record.attempts);
        addCounter(record.skipped, run.record.skipped);
      } else sum.record ??= run.record;
    }
  return [...runs.values()]
    .map((run) => ({
      ...run,
      notEntered: sortedCounter(run.notEntered),
      ...(run.record ? { record: { ...run.record, skipped: sortedCounter(run.record.skipped) } } : {}),
    }))
    .sort((a, b) => (a.record?.dueAt ?? 0) - (b.record?.dueAt ?? 0) || a.run.localeCompare(b.run));
}
