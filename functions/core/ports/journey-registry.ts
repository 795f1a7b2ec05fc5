import * as z from 'zod';
import { type Journey, JourneyStatus } from '../journeys/schema.ts';
import type { StatusAuditRecord, StatusOverride } from '../journeys/status-overrides.ts';

/** A journey version as registered by a function that bundles it. */
export type StoredJourneyVersion = {
  journeyId: string;
  /**
   * The content hash it was registered under, which enrollments pin. Kept as stored rather than recomputed:
   * a later schema that adds a default would change the hash of the same journey.
   */
  version: string;
  /** Kept without its status, which is not part of a version: a loaded one reads as `draft`. */
  journey: Journey;
  registeredAt: number;
};

/**
 * Which version of a journey the functions last said they bundle, and the status in its file. For people
 * (`cairn journeys list`), not for the functions: each runs the journeys it bundles.
 */
export const DeployedJourney = z.lazy(() =>
  z.object({
    journeyId: z.string().min(1),
    version: z.string().min(1),
    status: JourneyStatus,
    at: z.number().int().nonnegative(),
  }),
);
export type DeployedJourney = z.infer<typeof DeployedJourney>;

/** Everything the functions read, in one request on DynamoDB. */
export type RegistryContents = {
  versions: StoredJourneyVersion[];
  overrides: StatusOverride[];
  deployed: DeployedJourney[];
  /** Items that could not be read (say, a journey the schema no longer accepts): skipped, and named here. */
  problems: string[];
};

/**
 * Journey versions once deployed, and statuses changed since (docs/data-model.md, "Journey versions and
 * statuses"). Versions are only ever added, so that an enrollment pinned to one can always finish on it.
 *
 * A status change is two writes, made in this order by `changeJourneyStatus` (functions/core/runtime/
 * journey-status.ts): the audit record first, claiming the next sequence number of the journey, then the
 * override, on condition that it is still at the sequence before. So no change is ever applied without its
 * record, and a change recorded but not applied (the caller stopped in between) is applied by the next one.
 */
export interface JourneyRegistry {
  /** Every version, override and deployed marker; the functions call this once a minute. */
  load(): Promise<RegistryContents>;
  /** Stores a version unless one is stored under that journey id and hash; true when this call stored it. */
  register(version: StoredJourneyVersion): Promise<boolean>;
  recordDeployed(deployed: DeployedJourney): Promise<void>;
  /** The current override of a journey, read strongly consistently; undefined when it never changed. */
  overrideOf(journeyId: string): Promise<StatusOverride | undefined>;
  /** Appends a record unless the journey already has one at `record.seq`; true when this call appended it. */
  appendAudit(record: StatusAuditRecord): Promise<boolean>;
  auditRecord(journeyId: string, seq: number): Promise<StatusAuditRecord | undefined>;
  /**
   * Sets the override if the stored one is still at `expectedSeq` (0: none stored); true when this call set
   * it, false when another change got there first.
   */
  applyOverride(override: StatusOverride, expectedSeq: number): Promise<boolean>;
  /** The audit trail of a journey, oldest first. */
  history(journeyId: string): Promise<StatusAuditRecord[]>;
}
