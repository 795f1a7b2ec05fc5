import type { AudienceRunRecord } from '../audience-runs/record.ts';

/**
 * Where the runs of scheduled journeys are recorded: one record per journey and run, written when the run
 * starts and again when it completes. In memory for the simulator (runtime/in-memory-audience-run-store.ts), in
 * the table on the local stack and AWS (adapters/dynamodb/audience-run-store.ts).
 */
export interface AudienceRunStore {
  /** The record of a run, or undefined when it never started. */
  get(journeyId: string, run: string): Promise<AudienceRunRecord | undefined>;
  /** Writes the record whole (a start, another attempt, the completion). */
  put(record: AudienceRunRecord): Promise<void>;
  /** The runs of a journey, or of every journey, oldest first. */
  list(journeyId?: string): Promise<AudienceRunRecord[]>;
}
