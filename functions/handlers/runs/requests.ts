import * as z from 'zod';
import { AudienceRunRecord } from '../../core/audience-runs/record.ts';
import { SCAN_SEGMENTS } from '../../core/segments/scan.ts';

/**
 * What the run state machines (infra/lib/audience-runs.ts) hand the runs function at each step, and what it
 * answers. Each step names itself (`step`), except the Distributed Map's batches, which come in the map's
 * envelope (`BatchInput`, `Items`).
 */

const JourneyId = z.lazy(() => z.string().min(1));
const RunId = z.lazy(() => z.string().min(1));

/** EventBridge Scheduler's input (the schedule's target, `<aws.scheduler.scheduled-time>`): the launcher's step. */
export const BeginRequest = z.lazy(() =>
  z.strictObject({
    step: z.literal('begin'),
    journeyId: JourneyId,
    scheduledTime: z.iso.datetime({ offset: true }),
  }),
);

/** The run's own execution, started under its name by the launcher: its first step. */
export const OpenRequest = z.lazy(() =>
  z.strictObject({
    step: z.literal('open'),
    journeyId: JourneyId,
    run: RunId,
    /** When the run was due to start (epoch ms). */
    at: z.number().int(),
  }),
);

/** What every batch of the map gets beside its Segment numbers: the run, as opened. */
export const MembersRequest = z.lazy(() =>
  z.strictObject({
    step: z.literal('members'),
    journeyId: JourneyId,
    run: RunId,
    startedAt: z.number().int(),
    totalSegments: z.number().int().min(1).max(SCAN_SEGMENTS.max),
  }),
);
export type MembersRequest = z.infer<typeof MembersRequest>;

export const MembersBatch = z.lazy(() =>
  z.object({
    BatchInput: z.object({ request: MembersRequest }),
    Items: z.array(z.object({ index: z.number().int(), value: z.number().int().nonnegative() })).min(1),
  }),
);

/** One batch's counts: what `enterMembers` returned for each of its Segments, added up. */
export const RunTally = z.lazy(() =>
  AudienceRunRecord.unwrap().pick({
    audience: true,
    entries: true,
    timers: true,
    skipped: true,
  }),
);

export const CompleteRequest = z.lazy(() =>
  z.strictObject({
    step: z.literal('complete'),
    journeyId: JourneyId,
    run: RunId,
    /** The map's output: one tally per batch. */
    tallies: z.array(RunTally),
  }),
);

export const RunRequest = z.lazy(() =>
  z.union([
    z.discriminatedUnion('step', [BeginRequest.unwrap(), OpenRequest.unwrap(), CompleteRequest.unwrap()]),
    MembersBatch,
  ]),
);

/** The launcher's answer: start the run's execution under this name, or skip, saying why. */
export type BeginAnswer =
  | { start: true; executionName: string; input: z.infer<typeof OpenRequest> }
  | { start: false; reason: string; detail: string };

/** The run's answer to `open`: map over these Segments with this request, or nothing to do again. */
export type OpenAnswer =
  | { state: 'open'; request: MembersRequest; segments: number[] }
  | { state: 'completed'; record: AudienceRunRecord };
