import { type DeclaredGroup, groupResults, type JourneyResults } from '../results/group-results.ts';
import type { EnrollmentFact } from './facts.ts';
import type { Tally } from './tally.ts';

const byEnrollment = (a: EnrollmentFact, b: EnrollmentFact) =>
  a.enteredAt < b.enteredAt
    ? -1
    : a.enteredAt > b.enteredAt
      ? 1
      : a.enrollmentId < b.enrollmentId
        ? -1
        : a.enrollmentId > b.enrollmentId
          ? 1
          : 0;

/**
 * Each journey's results per customer (results/group-results.ts) from the facts of one or several tallies,
 * taken in the order of the enrollments (their time, then id): the goals they reached with their revenue, each
 * goal event's once (one order that ends several enrollments, one per cart say, is revenue once), and whether
 * the journey sent the customer anything. Only journeys that declare groups are compared.
 */
export function resultsOfFacts(
  declared: Record<string, DeclaredGroup[]>,
  parts: readonly Record<string, EnrollmentFact[]>[],
): Record<string, JourneyResults> {
  const results: Record<string, JourneyResults> = {};
  for (const [journeyId, groups] of Object.entries(declared)) {
    if (groups.length === 0) continue;
    const counted = new Set<string>();
    const facts = parts
      .flatMap((part) => part[journeyId] ?? [])
      .sort(byEnrollment)
      .map((fact) => {
        const goal = fact.goalEventId;
        const revenue = goal === null || counted.has(goal) ? null : fact.revenue;
        if (goal !== null) counted.add(goal);
        return { ...fact, revenue, currency: revenue === null ? null : fact.currency };
      });
    results[journeyId] = groupResults(facts, groups);
  }
  return results;
}

/** Each journey's results per customer from what one run observed, once its tally is closed (see resultsOfFacts). */
export function journeyResults(tally: Tally): Record<string, JourneyResults> {
  return resultsOfFacts(tally.declared, [tally.groupFacts.facts()]);
}
