import * as z from 'zod';
import type { OutcomeRow } from '../ports/outcome-sql.ts';

/** A count: DuckDB gives a number, Athena the digits as text. */
const count = z.coerce.number().int().nonnegative();
const text = z.string();
const nullableText = z.string().nullable();
/** A sum that is null when nothing was added up (Athena: no value, DuckDB: null). */
const nullableNumber = z.union([z.null(), z.coerce.number()]);

/** The columns of each query's rows (core/outcomes/queries.ts), as the report reads them. */
export const ROWS = {
  entered: z.object({ journey_id: text, entered: count, customers: count }),
  not_entered: z.object({ journey_id: text, reason: nullableText, decisions: count }),
  steps: z.object({ journey_id: text, step_id: text, entered: count, enrollments: count, active: count }),
  moves: z.object({ journey_id: text, from_step: nullableText, to_step: text, moves: count }),
  exits: z.object({ journey_id: text, step_id: text, reason: nullableText, enrollments: count }),
  sends: z.object({
    journey_id: text,
    step_id: text,
    status: text,
    reason: nullableText,
    channel: text,
    messages: count,
  }),
  holds: z.object({
    journey_id: text,
    step_id: text,
    what: z.enum(['held', 'withheld']),
    reason: nullableText,
    times: count,
  }),
  feedback: z.object({
    journey_id: nullableText,
    step_id: nullableText,
    channel: text,
    status: text,
    messages: count,
  }),
  sends_by_day: z.object({
    journey_id: text,
    day: text,
    status: text,
    reason: nullableText,
    messages: count,
  }),
  customer_groups: z.object({
    journey_id: text,
    variant_group: text,
    customers: count,
    sent: count,
    reached: count,
    revenue: nullableNumber,
  }),
  goal_currencies: z.object({ journey_id: text, currency: text }),
} as const;

/** The rows of a query checked against its columns: a wrong engine answer is named, not carried on. */
export function parseRows<S extends z.ZodType>(
  query: string,
  schema: S,
  rows: readonly OutcomeRow[],
): z.infer<S>[] {
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success)
      throw new Error(
        `the outcome query "${query}" gave an unexpected row ${index + 1}: ${z.prettifyError(parsed.error)}`,
      );
    return parsed.data;
  });
}
