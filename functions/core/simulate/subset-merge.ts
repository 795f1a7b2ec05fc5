import type { JourneyCatalog } from '../engine/catalog.ts';
import type { DeclaredGroup } from '../results/group-results.ts';
import { canonicalJourneys, sumJourneys, sumRuns } from './counters.ts';
import type { EnrollmentFact } from './facts.ts';
import type { MergedParts, SimulationPart } from './part.ts';
import type { DeadLetterRecord } from './records.ts';
import { compareDeadLetters } from './result.ts';
import { resultsOfFacts } from './results.ts';
import type { SubsetRun } from './subset.ts';

/**
 * The result of a split simulation where a subset of the customers (subset.ts) was simulated again together:
 * every other customer's part as the parallel pass made it, the subset's as its rerun made it. Records and facts
 * name their customer and are left out by it; counts and counters are added up, less the subset's part in the
 * parallel pass, which the shadow shares made again (each share's subset alone, as the parallel pass had it:
 * its customers met the others in nothing the merge keeps). The same numbers in the same order as mergeParts
 * gives for one simulation of all.
 */
export function mergeSubset(
  run: SubsetRun,
  subset: ReadonlySet<string>,
  user: string | undefined,
  catalog: JourneyCatalog,
  declared: Record<string, DeclaredGroup[]>,
): MergedParts {
  const { parallel, shadow, together } = run;
  const net = (of: (part: SimulationPart) => number) => sum(parallel, of) - sum(shadow, of) + of(together);
  const recordFiles = (of: (part: SimulationPart) => string[]) => ({
    all: [...parallel.flatMap(of), ...of(together)],
    parallel: parallel.flatMap(of),
  });
  const messages = recordFiles((part) => part.messages.files);
  const enrollments = recordFiles((part) => part.enrollments.files);
  return {
    eventsIn: net((p) => p.eventsIn),
    lateEvents: net((p) => p.lateEvents),
    pendingTimers: net((p) => p.pendingTimers),
    redriven: net((p) => p.redriven),
    until: together.until,
    // A run's errors are the run's, not a customer's: each share of the parallel pass met them.
    runErrors: parallel.flatMap((p) => p.runErrors),
    messages: {
      files: messages.all,
      count: net((p) => p.messages.count),
      sent: net((p) => p.messages.sent),
    },
    enrollments: { files: enrollments.all, count: net((p) => p.enrollments.count) },
    deadLetters: [
      ...withoutEach(
        parallel.flatMap((p) => p.deadLetters),
        shadow.flatMap((p) => p.deadLetters),
      ),
      ...together.deadLetters,
    ].sort(compareDeadLetters),
    summary: {
      journeys: canonicalJourneys(
        sumJourneys(
          [...parallel, together].map((p) => p.journeys),
          shadow.map((p) => p.journeys),
        ),
        catalog,
      ),
      runs: sumRuns(
        [...parallel, together].map((p) => p.runs),
        shadow.map((p) => p.runs),
      ),
      results: resultsOfFacts(declared, [
        ...parallel.map((p) => factsWithout(p.facts, subset)),
        together.facts,
      ]),
    },
    timeline:
      user !== undefined && subset.has(user) ? together.timeline : parallel.flatMap((p) => p.timeline),
    leftOut: { files: new Set([...messages.parallel, ...enrollments.parallel]), customers: subset },
  };
}

const sum = (parts: readonly SimulationPart[], of: (part: SimulationPart) => number) =>
  parts.reduce((total, part) => total + of(part), 0);

/** The facts of the customers not in `subset`. */
function factsWithout(
  facts: Record<string, EnrollmentFact[]>,
  subset: ReadonlySet<string>,
): Record<string, EnrollmentFact[]> {
  return Object.fromEntries(
    Object.entries(facts).map(([journeyId, list]) => [
      journeyId,
      list.filter((fact) => !subset.has(fact.customer)),
    ]),
  );
}

/**
 * The dead letters of `all` less one of each of `less`, as a multiset: a dead letter need not name its customer
 * (an event without one), so the subset's are the shadow's, not found by customer.
 */
function withoutEach(
  all: readonly DeadLetterRecord[],
  less: readonly DeadLetterRecord[],
): DeadLetterRecord[] {
  const taken = new Map<string, number>();
  for (const letter of less) {
    const key = JSON.stringify(letter);
    taken.set(key, (taken.get(key) ?? 0) + 1);
  }
  return all.filter((letter) => {
    const key = JSON.stringify(letter);
    const left = taken.get(key) ?? 0;
    if (left === 0) return true;
    taken.set(key, left - 1);
    return false;
  });
}
