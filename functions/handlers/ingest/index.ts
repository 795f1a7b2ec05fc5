import { keyedQueue } from '../../core/collections/keyed-queue.ts';
import { type ApplyPorts, type IngestOutcome, ingest } from '../../core/runtime/ingest.ts';
import { reportAppliedInput } from '../shared/applied-input.ts';
import { processSqsBatch } from '../shared/batch.ts';
import { type BatchResponse, IngestEnvelope } from '../shared/envelopes.ts';
import { refreshing } from '../shared/journey-catalog.ts';
import {
  count,
  countBy,
  type Observability,
  observability,
  withObservability,
} from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import { type Settle, settled, settleOf } from '../shared/outcomes.ts';

/**
 * Customer events into the engine. Triggered by the ingest SQS queue (an EventBridge rule's target; each
 * record's body is the EventBridge event) or directly by an EventBridge rule (the event itself); see
 * docs/runtime.md for why the queue is the main route.
 *
 * A batch's records run at once, each customer's one after the other in the batch's order (`keyedQueue`): the
 * invocation waits for its longest customer's chain of DynamoDB round trips, not for every record's in turn.
 * A record that fails does not hold back its customer's later records: each is applied, and only the failed one
 * is retried. The ingest queue is a standard queue, which already delivers a customer's events in any order
 * (a retried record comes after the ones sent later), and the engine decides in event time within a window,
 * not in arrival order (docs/runtime.md, "Arrival order"), so failing the later records too would only add
 * retries.
 *
 * Per event: an invalid one is dead-lettered and not retried; a valid one is applied. A record that throws
 * (DynamoDB or SQS unavailable, too many concurrent writes) is reported in `batchItemFailures` and retried by
 * SQS alone; on a direct invocation the throw makes Lambda retry the event.
 */
export function ingestHandler(
  ports: () => Promise<ApplyPorts>,
  obs: Observability = observability('ingest'),
  settle?: Settle,
) {
  return withObservability(async (event: unknown): Promise<BatchResponse | undefined> => {
    const envelope = IngestEnvelope.parse(event);
    const resolved = await ports();
    return settled(
      async () => {
        if (envelope.route === 'sqs') {
          const serialize = keyedQueue();
          return processSqsBatch(
            envelope.batch,
            async (record) => report(await ingest(record.body, resolved, record.messageId, serialize), obs),
            { logger: obs.logger, parallel: true },
          );
        }
        report(await ingest(envelope.event, resolved, 'direct'), obs);
        return undefined;
      },
      settle,
      obs,
    );
  }, obs);
}

function report(outcome: IngestOutcome, obs: Observability): void {
  const { logger, metrics } = obs;
  count(metrics, 'EventsIn');
  if (outcome.status === 'invalid') {
    count(metrics, 'InvalidEvents');
    countBy(metrics, 'DeadLetters', { kind: 'invalid-event' });
    logger.warn('invalid event dead-lettered', { eventId: outcome.eventId, problems: outcome.problems });
    return;
  }
  const { result, event } = outcome;
  if (result.duplicate) count(metrics, 'DuplicateEvents');
  reportAppliedInput(result, obs, { eventId: event.id });
}

const instance = observability('ingest');
/** The catalog is refreshed, when a minute old, before each invocation: pauses and new versions apply within a minute. */
const wired = once(async () => (await import('./wiring.ts')).wireIngest());
export const handler = ingestHandler(refreshing(wired, instance.logger), instance, settleOf(wired));
