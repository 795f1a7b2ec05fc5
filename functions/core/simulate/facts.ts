import * as z from 'zod';
import type { EnrollmentRecord, MessageRecord } from './records.ts';

/**
 * A customer fact (results/group-results.ts) of one enrollment, with what orders the facts the same whoever
 * gathered them (its time and id) and the goal event whose revenue counts once (resultsOfFacts).
 */
export const EnrollmentFact = z.object({
  customer: z.string(),
  /** The variant name, `holdout` for the control group, `all` when the journey has no split. */
  group: z.string(),
  sent: z.boolean(),
  goalReached: z.boolean(),
  goalEventId: z.string().nullable(),
  revenue: z.number().nullable(),
  currency: z.string().nullable(),
  enteredAt: z.string(),
  enrollmentId: z.string(),
});
export type EnrollmentFact = z.infer<typeof EnrollmentFact>;

/** The group an enrollment is counted in: the control group first, as the tally's goal counts do. */
export const groupOf = (e: { holdout: boolean; variant: string | null }) =>
  e.holdout ? 'holdout' : (e.variant ?? 'all');

/**
 * The facts of the journeys that declare groups (a holdout or a split), gathered as the tally counts each
 * enrollment and message; whether the journey sent a customer anything is known once every message is counted.
 * A customer's enrollments and messages are all in one tally, even when a run is split across workers.
 */
export class GroupFacts {
  private readonly sentTo = new Set<string>();
  private readonly gathered: Record<string, Omit<EnrollmentFact, 'sent'>[]> = {};

  constructor(private readonly compared: ReadonlySet<string>) {}

  message(record: MessageRecord): void {
    if (record.status === 'SENT' && this.compared.has(record.journeyId))
      this.sentTo.add(`${record.journeyId}\u0000${record.userId}`);
  }

  enrollment(e: EnrollmentRecord): void {
    if (!this.compared.has(e.journeyId)) return;
    const list = this.gathered[e.journeyId] ?? [];
    list.push({
      customer: e.userId,
      group: groupOf(e),
      goalReached: e.goalReachedAt !== null,
      goalEventId: e.goalEventId,
      revenue: e.goalRevenue,
      currency: e.goalCurrency,
      enteredAt: e.enteredAt,
      enrollmentId: e.enrollmentId,
    });
    this.gathered[e.journeyId] = list;
  }

  /** The facts so far, each with whether its journey sent the customer anything. */
  facts(): Record<string, EnrollmentFact[]> {
    const facts: Record<string, EnrollmentFact[]> = {};
    for (const [journeyId, list] of Object.entries(this.gathered))
      facts[journeyId] = list.map((fact) => ({
        ...fact,
        sent: this.sentTo.has(`${journeyId}\u0000${fact.customer}`),
      }));
    return facts;
  }
}
