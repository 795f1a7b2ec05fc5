import * as z from 'zod';
import {
  type CustomerFact,
  type DeclaredGroup,
  groupResults,
  type JourneyResults,
} from '../results/group-results.ts';
import type { Tally } from './tally.ts';

/** The group an enrollment is counted in: the control group first, as the tally's goal counts do. */
const groupOf = (e: { holdout: boolean; variant: string | null }) =>
  e.holdout ? 'holdout' : (e.variant ?? 'all');

/** A customer fact with the enrollment it came from, which orders facts the same whoever gathered them. */
export const EnrollmentFact = z.object({
  customer: z.string(),
  group: z.string(),
  sent: z.boolean(),
  goalReached: z.boolean(),
  revenue: z.number().nullable(),
  currency: z.string().nullable(),
  enteredAt: z.string(),
  enrollmentId: z.string(),
}) satisfies z.ZodType<CustomerFact>;
export type EnrollmentFact = z.infer<typeof EnrollmentFact>;

/**
 * The facts of each journey that declares groups (a holdout or a split), one per enrollment: its group, the
 * goal it reached with its revenue (each goal event's once), and whether the journey sent the customer anything.
 * A customer's enrollments and messages are all in one tally, even when a run is split across workers.
 */
export function journeyFacts(tally: Tally): Record<string, EnrollmentFact[]> {
  const compared = new Set(
    Object.entries(tally.declared)
      .filter(([, declared]) => declared.length > 0)
      .map(([id]) => id),
  );
  const sentTo = new Set<string>();
  for (const m of tally.messages.values())
    if (m.status === 'SENT' && compared.has(m.journeyId)) sentTo.add(`${m.journeyId}\u0000${m.userId}`);
  const facts: Record<string, EnrollmentFact[]> = {};
  // One order that ends several enrollments (one per cart, say) is revenue once.
  const counted = new Set<string>();
  for (const e of tally.enrollments.values()) {
    if (!compared.has(e.journeyId)) continue;
    const goal = e.goalEventId === null ? null : `${e.journeyId}\u0000${e.goalEventId}`;
    const revenue = goal === null || counted.has(goal) ? null : e.goalRevenue;
    if (goal !== null) counted.add(goal);
    const list = facts[e.journeyId] ?? [];
    list.push({
      customer: e.userId,
      group: groupOf(e),
      sent: sentTo.has(`${e.journeyId}\u0000${e.userId}`),
      goalReached: e.goalReachedAt !== null,
      revenue,
      currency: revenue === null ? null : e.goalCurrency,
      enteredAt: e.enteredAt,
      enrollmentId: e.enrollmentId,
    });
    facts[e.journeyId] = list;
  }
  return facts;
}

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
 * taken in the order of the enrollments (their time, then id). Only journeys that declare groups are compared.
 */
export function resultsOfFacts(
  declared: Record<string, DeclaredGroup[]>,
  parts: readonly Record<string, EnrollmentFact[]>[],
): Record<string, JourneyResults> {
  const results: Record<string, JourneyResults> = {};
  for (const [journeyId, groups] of Object.entries(declared)) {
    if (groups.length === 0) continue;
    const facts = parts.flatMap((part) => part[journeyId] ?? []).sort(byEnrollment);
    results[journeyId] = groupResults(facts, groups);
  }
  return results;
}

/** Each journey's results per customer from what one run observed (see resultsOfFacts). */
export function journeyResults(tally: Tally): Record<string, JourneyResults> {
  return resultsOfFacts(tally.declared, [journeyFacts(tally)]);
}
