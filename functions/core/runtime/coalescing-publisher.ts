import type { CustomerEvent } from '../events/index.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

type Waiting = { events: readonly CustomerEvent[]; resolve: () => void; reject: (error: unknown) => void };

/**
 * Gathers the events of every publish made before `defer` runs its callback (by default, the same turn of the
 * event loop: the records of one feedback batch, handled in parallel) and hands them to `inner` in one call, so
 * that the SQS publisher sends them 10 to a request instead of one request per record (docs/deploy.md, "Monthly
 * cost estimate"). Each caller's promise settles with that call: when it throws, every record whose events it
 * carried fails and is retried by SQS, and publishing an event twice is harmless (ingest drops it by its id).
 */
export class CoalescingEventPublisher implements EventPublisher {
  private waiting: Waiting[] = [];

  constructor(
    private readonly inner: EventPublisher,
    private readonly defer: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {}

  publish(events: readonly CustomerEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (this.waiting.length === 1) this.defer(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const gathered = this.waiting;
    this.waiting = [];
    try {
      await this.inner.publish(gathered.flatMap((w) => w.events));
      for (const w of gathered) w.resolve();
    } catch (error) {
      for (const w of gathered) w.reject(error);
    }
  }
}
