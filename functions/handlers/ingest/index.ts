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
          return processSqsBatch(
            envelope.batch,
            async (record) => report(await ingest(record.body, resolved, record.messageId), obs),
            { logger: obs.logger, parallel: false },
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
