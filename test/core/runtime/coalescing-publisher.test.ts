import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import type { EventPublisher } from '../../../functions/core/ports/event-publisher.ts';
import { CoalescingEventPublisher } from '../../../functions/core/runtime/coalescing-publisher.ts';
import { customerEvent } from '../../support/journeys.ts';

/** An inner publisher that records each call it gets, and throws when told to. */
class RecordingPublisher implements EventPublisher {
  readonly calls: string[][] = [];
  failWith: Error | undefined;

  async publish(events: readonly CustomerEvent[]): Promise<void> {
    this.calls.push(events.map((e) => e.id));
    if (this.failWith) throw this.failWith;
  }
}

const delivered = (i: number) =>
  customerEvent('Email Delivered', `u${i}`, '2026-11-01T00:00:00Z', {}, { id: `e${i}` });

describe('CoalescingEventPublisher', () => {
  it('hands the events of publishes made in one turn to the inner publisher in one call', async () => {
    // Prepare
    const inner = new RecordingPublisher();
    const publisher = new CoalescingEventPublisher(inner);

    // Act: ten records of a batch, handled in parallel, each publishing one event
    await Promise.all(Array.from({ length: 10 }, (_, i) => publisher.publish([delivered(i)])));

    // Assess
    expect(inner.calls).toEqual([['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']]);
  });

  it('publishes later calls in a call of their own', async () => {
    // Prepare
    const inner = new RecordingPublisher();
    const publisher = new CoalescingEventPublisher(inner);

    // Act
    await publisher.publish([delivered(1)]);
    await Promise.all([
      publisher.publish([delivered(2)]),
      publisher.publish([]),
      publisher.publish([delivered(3)]),
    ]);

    // Assess
    expect(inner.calls).toEqual([['e1'], ['e2', 'e3']]);
  });

  it('fails every publish whose events the failed call carried, so each of their records is retried', async () => {
    // Prepare
    const inner = new RecordingPublisher();
    inner.failWith = new Error('ingest queue unavailable');
    const publisher = new CoalescingEventPublisher(inner);

    // Act
    const outcomes = await Promise.allSettled([
      publisher.publish([delivered(1)]),
      publisher.publish([delivered(2)]),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(inner.calls).toEqual([['e1', 'e2']]);
  });
});
