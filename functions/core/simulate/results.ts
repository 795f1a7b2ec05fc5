import { type CustomerFact, groupResults, type JourneyResults } from '../results/group-results.ts';
import type { Tally } from './tally.ts';

/** The group an enrollment is counted in: the control group first, as the tally's goal counts do. */
const groupOf = (e: { holdout: boolean; variant: string | null }) =>
  e.holdout ? 'holdout' : (e.variant ?? 'all');

/**
 * Each journey's results per customer (results/group-results.ts) from what the run observed: its enrollments,
 * the goals they reached with their revenue (each goal event's once), and whether the journey sent the customer anything. Only journeys
 * that declare groups (a holdout or a split) are compared.
 */
export function journeyResults(tally: Tally): Record<string, JourneyResults> {
  const sentTo = new Set<string>();
  for (const m of tally.messages.values())
    if (m.status === 'SENT') sentTo.add(`${m.journeyId}\u0000${m.userId}`);
  const facts = new Map<string, CustomerFact[]>();
  // One order that ends several enrollments (one per cart, say) is revenue once.
  const counted = new Set<string>();
  for (const e of tally.enrollments.values()) {
    const goal = e.goalEventId === null ? null : `${e.journeyId}\u0000${e.goalEventId}`;
    const revenue = goal === null || counted.has(goal) ? null : e.goalRevenue;
    if (goal !== null) counted.add(goal);
    const list = facts.get(e.journeyId) ?? [];
    list.push({
      customer: e.userId,
      group: groupOf(e),
      sent: sentTo.has(`${e.journeyId}\u0000${e.userId}`),
      goalReached: e.goalReachedAt !== null,
      revenue,
      currency: revenue === null ? null : e.goalCurrency,
    });
    facts.set(e.journeyId, list);
  }
  const results: Record<string, JourneyResults> = {};
  for (const [journeyId, declared] of Object.entries(tally.declared))
    if (declared.length > 0) results[journeyId] = groupResults(facts.get(journeyId) ?? [], declared);
  return results;
}
