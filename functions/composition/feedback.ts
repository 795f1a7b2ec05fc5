import { DynamoPolicyStore } from '../adapters/dynamodb/policy-store.ts';
import type { EventPublisher } from '../core/ports/event-publisher.ts';
import type { FeedbackPorts } from '../core/runtime/feedback.ts';
import { onTable, type TableAccess } from './table.ts';

export type FeedbackComposition = {
  table: TableAccess;
  /** The ingest queue, for the customer events and consent changes feedback turns into. */
  events: EventPublisher;
  now: () => number;
};

/**
 * The ports of provider feedback: suppressions in the table's policy store, events onto the ingest queue. No
 * journeys, no customer state read: its bundle leaves the engine's runtime and the templates out.
 */
export function composeFeedbackPorts({ table, events, now }: FeedbackComposition): FeedbackPorts {
  return { policyStore: new DynamoPolicyStore(onTable(table)), events, now };
}
