import type { CustomerState } from '../engine/state.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import { asOf, membershipAt, type SegmentCatalog } from './evaluate.ts';

/** One customer of a batch evaluation: the state folded from their events, and their segments at the time. */
export type BatchMember = { state: CustomerState; segments: string[] };

/**
 * Batch membership: the customers in segment `id` at `at`, by the one evaluator (evaluate.ts) on states
 * folded from events by the engine itself (lifecycle/population.ts), so that a batch count and the running
 * system's incremental membership agree.
 */
export function batchMembers(
  states: Iterable<CustomerState>,
  catalog: SegmentCatalog,
  id: string,
  at: number,
  lifecycle: LifecycleModel | undefined,
): BatchMember[] {
  const members: BatchMember[] = [];
  for (const state of states) {
    const current = asOf(state, lifecycle, at);
    const segments = membershipAt(catalog, current, at, lifecycle);
    if (segments.includes(id)) members.push({ state: current, segments });
  }
  return members;
}

/** A member as `cairn segments export` prints it and the segment scan writes it (one JSON line each). */
export type MemberRow = {
  userId: string;
  email: string | null;
  phone: string | null;
  stage: string | null;
  segments: string[];
};

export function memberRow({ state, segments }: BatchMember): MemberRow {
  return {
    userId: state.userId,
    email: state.profile.email ?? null,
    phone: state.profile.phone ?? null,
    stage: state.profile.stage ?? null,
    segments,
  };
}
