import { outcomeDimensions } from '../../core/policies/failure-reason.ts';
import { QueuedSend } from '../../core/ports/send-queue.ts';
import { type DeliverPorts, type DeliveryResult, deliverSend } from '../../core/runtime/deliver.ts';
import { reportAppliedInput } from '../shared/applied-input.ts';
import { processSqsBatch } from '../shared/batch.ts';
import { type BatchResponse, SqsBatch } from '../shared/envelopes.ts';
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
 * Send intents from the send queue through the delivery policies and the channel. Records run in parallel:
 * sends to one customer are serialised where it matters by the policy store's conditional writes (caps,
 * ledger claim). A record that throws is retried by SQS; the ledger claim keeps a retry from sending twice.
 * A body that is not a QueuedSend is our own bug, not a customer's: it throws, and the queue's redrive policy
 * moves it to the dead-letter queue after its receive count.
 */
export function deliverHandler(
  ports: () => Promise<DeliverPorts>,
  obs: Observability = observability('deliver'),
  settle?: Settle,
) {
  return withObservability(async (event: unknown): Promise<BatchResponse> => {
    const batch = SqsBatch.parse(event);
    const resolved = await ports();
    const work = () =>
      processSqsBatch(
        batch,
        async (record) => {
          const queued = QueuedSend.parse(JSON.parse(record.body));
          report(await deliverSend(queued, resolved, record.messageId), obs);
        },
        { logger: obs.logger, parallel: true },
      );
    return settled(work, settle, obs);
  }, obs);
}

function report(result: DeliveryResult, obs: Observability): void {
  const { logger, metrics } = obs;
  const { outcome, requeued, enrollmentEnded } = result;
  if (enrollmentEnded) reportAppliedInput(enrollmentEnded, obs);
  if (requeued) count(metrics, 'SendsRequeued');
  if (result.deadLettered) {
    countBy(metrics, 'DeadLetters', { kind: 'undelivered-send' });
    logger.error('provider unavailable through the retries; send dead-lettered', { ...result });
  }
  if (!outcome) return;
  // Dimensions from enums only: a provider's own text would make a metric per distinct message.
  const dimensions = outcomeDimensions(outcome);
  countBy(metrics, 'SendOutcomes', dimensions);
  if (outcome.status === 'UNKNOWN')
    logger.error('send claimed and never completed; outcome unknown, not resent', { ...result });
  else if (outcome.status === 'FAILED')
    // The provider's text is kept here, for the person who looks; the logger masks any address in it.
    logger.warn('provider refused the send', {
      messageId: result.messageId,
      userId: result.userId,
      channel: outcome.channel,
      permanent: outcome.permanent,
      reason: dimensions.reason,
      detail: outcome.reason,
    });
  else logger.debug('send decided', { ...result });
}

const instance = observability('deliver');
/** The catalog is refreshed, when a minute old, before each invocation: pauses and new versions apply within a minute. */
const wired = once(async () => (await import('./wiring.ts')).wireDeliver());
export const handler = deliverHandler(refreshing(wired, instance.logger), instance, settleOf(wired));
