import * as z from 'zod';

/**
 * What a run of a scheduled journey did, kept by the AudienceRunStore (ports/audience-run-store.ts): how many
 * members the audience had, how many got an entry input (at once or at a timer at their local time), and how
 * many it skipped, by reason. `completed` is absent while the run is under way, or after it crashed: the next
 * attempt does it all again, which enrolls nobody twice (the entry inputs' ids are the same).
 */
export const AudienceRunRecord = z.lazy(() =>
  z.object({
    journeyId: z.string(),
    run: z.string(),
    /** When the run was due to start (epoch ms). */
    dueAt: z.number(),
    startedAt: z.number(),
    completedAt: z.number().optional(),
    attempts: z.number().int().positive(),
    audience: z.number().int().nonnegative(),
    /** Entry inputs handed on: on the ingest path now, or as timers at the members' local time. */
    entries: z.number().int().nonnegative(),
    /** Of those, the ones set as timers. */
    timers: z.number().int().nonnegative(),
    skipped: z.record(z.string(), z.number().int().nonnegative()),
  }),
);
export type AudienceRunRecord = z.infer<typeof AudienceRunRecord>;
