import type { CustomerState } from '../engine/state.ts';

/**
 * Every stored customer's state, page by page: what a run reads to resolve its audience. On the local stack a
 * Scan of the table (adapters/dynamodb/state-scan.ts); in the simulator the in-memory store. On AWS the run's
 * audience is the segment scan's member file instead (docs/audiences.md), read by a Distributed Map.
 */
export interface CustomerScan {
  pages(): AsyncIterable<readonly CustomerState[]>;
}
