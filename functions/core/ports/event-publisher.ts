import type { CustomerEvent } from '../events/index.ts';

/**
 * Where events a journey emits (`emit-event` steps) go, so that they come back to ingest as customer events
 * like any other and journeys can trigger on them, wait for them, or exit on them.
 */
export interface EventPublisher {
  /** Publishes every event, or throws. Publishing an event twice is harmless: ingest drops it by its id. */
  publish(events: readonly CustomerEvent[]): Promise<void>;
}
