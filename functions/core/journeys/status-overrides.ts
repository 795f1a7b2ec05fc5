import * as z from 'zod';
import { type Journey, JourneyId, type JourneyStatus } from './schema.ts';

/**
 * Journey statuses changed in a deployed environment without a redeploy (`cairn journeys pause|resume|archive`).
 *
 * An override can only hold a journey back, never push it further than its file: the status that runs is the
 * more restrictive of the file's and the override's. Launching a journey (draft to active) is a reviewed
 * change that ships with a deployment; stopping one is an emergency that must not wait for a deployment. So
 * `resume` lifts a pause made here, and a journey whose file says `paused` or `draft` stays so.
 */

export const StatusAction = z
  .enum(['pause', 'resume', 'archive'])
  .describe(
    'What `cairn journeys` does to a journey: pause it, resume it after a pause, or archive it for good.',
  );
export type StatusAction = z.infer<typeof StatusAction>;

/** What an override can say; `active` is the same as no override (it restricts nothing). */
export const OverrideStatus = z.enum(['active', 'paused', 'archived']);
export type OverrideStatus = z.infer<typeof OverrideStatus>;

/** No override stored: nothing is restricted, at sequence 0. */
export const NO_OVERRIDE = { status: 'active', seq: 0 } as const satisfies {
  status: OverrideStatus;
  seq: number;
};

/** The override of one journey, as the functions read it. `seq` is the number of changes made to it so far. */
export const StatusOverride = z.lazy(() =>
  z.object({
    journeyId: JourneyId,
    status: OverrideStatus,
    seq: z.number().int().positive(),
    at: z.number().int().nonnegative(),
  }),
);
export type StatusOverride = z.infer<typeof StatusOverride>;

/** A request to change a journey's status: who asks, when and why. */
export const StatusChange = z.lazy(() =>
  z.object({
    journeyId: JourneyId,
    action: StatusAction,
    /** Who made the change: the operator's name (offline there is no caller identity to ask STS for). */
    by: z.string().min(1),
    at: z.number().int().nonnegative(),
    reason: z.string().min(1).optional(),
  }),
);
export type StatusChange = z.infer<typeof StatusChange>;

/**
 * One change, as kept in the audit trail (append-only: a record is never rewritten). `seq` orders the changes
 * of one journey and makes two concurrent changes collide instead of both passing.
 */
export const StatusAuditRecord = z.lazy(() =>
  StatusChange.unwrap().extend({
    seq: z.number().int().positive(),
    from: OverrideStatus,
    to: OverrideStatus,
  }),
);
export type StatusAuditRecord = z.infer<typeof StatusAuditRecord>;

export type StatusDecision =
  | { kind: 'change'; to: OverrideStatus }
  | { kind: 'unchanged'; why: string }
  | { kind: 'refused'; why: string };

/**
 * Whether `action` may change an override that says `current`.
 *
 * - Archive is final. Archiving ends in-flight enrollments one by one, when each next meets an event or a
 *   timer; undoing it would leave some ended and others carrying on, depending only on timing. A journey to
 *   run again ships under a new id.
 * - Resume only from paused: it lifts a pause made here. It cannot start what the file keeps in draft (see
 *   the module comment).
 * - Asking for the state that already holds changes nothing and is not recorded.
 */
export function decideStatusChange(current: OverrideStatus, action: StatusAction): StatusDecision {
  if (current === 'archived') {
    return action === 'archive'
      ? { kind: 'unchanged', why: 'already archived' }
      : { kind: 'refused', why: 'archived is final: ship the journey under a new id to run it again' };
  }
  switch (action) {
    case 'pause':
      return current === 'paused'
        ? { kind: 'unchanged', why: 'already paused' }
        : { kind: 'change', to: 'paused' };
    case 'resume':
      return current === 'paused'
        ? { kind: 'change', to: 'active' }
        : { kind: 'unchanged', why: 'not paused by "cairn journeys"; nothing to resume' };
    case 'archive':
      return { kind: 'change', to: 'archived' };
    default: {
      const unknown: never = action;
      throw new Error(`unknown status action ${String(unknown)}`);
    }
  }
}

/**
 * How far a status holds a journey back. Draft and paused both hold enrollments; paused ranks higher so that
 * an operator's pause shows as `journey-paused` in the reasons, whatever the file says.
 */
const RESTRICTION: Record<JourneyStatus, number> = { active: 0, draft: 1, paused: 2, archived: 3 };

/** The status that runs: the more restrictive of the file's and the override's. */
export function effectiveStatus(file: JourneyStatus, override: OverrideStatus | undefined): JourneyStatus {
  if (override === undefined) return file;
  return RESTRICTION[override] > RESTRICTION[file] ? override : file;
}

/** The journeys with the overrides applied; a journey without an override keeps its own status. */
export function applyStatusOverrides(
  journeys: readonly Journey[],
  overrides: ReadonlyMap<string, OverrideStatus>,
): Journey[] {
  return journeys.map((journey) => {
    const status = effectiveStatus(journey.status, overrides.get(journey.id));
    return status === journey.status ? journey : { ...journey, status };
  });
}

/** The override a recorded change leaves behind. */
export function overrideAfter(record: StatusAuditRecord): StatusOverride {
  return { journeyId: record.journeyId, status: record.to, seq: record.seq, at: record.at };
}
