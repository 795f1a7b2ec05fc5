import { QueuedCall } from '../../core/ports/call-queue.ts';
import { type CallHandled, type CallPorts, performCall } from '../../core/runtime/call.ts';
import { reportAppliedInput } from '../shared/applied-input.ts';
import { processSqsBatch } from '../shared/batch.ts';
import { type BatchResponse, SqsBatch } from '../shared/envelopes.ts';
import { refreshing } from '../shared/journey-catalog.ts';
import { countBy, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import { type Settle, settled, settleOf } from '../shared/outcomes.ts';

/**
 * Call steps' calls from the calls queue, one record at a time per invocation of the batch (the queue's event
 * source mapping bounds how many run at once, and a target's `maxConcurrent` its share, through CallSlots). A record that throws is retried
 * by SQS; the calls ledger keeps a retry from calling twice. A body that is not a QueuedCall is our own bug: it
 * throws, and the redrive policy moves it to the dead-letter queue.
 */
export function callsHandler(
  ports: () => Promise<CallPorts>,
  obs: Observability = observability('calls'),
  settle?: Settle,
) {
  return withObservability(async (event: unknown): Promise<BatchResponse> => {
    const batch = SqsBatch.parse(event);
    const resolved = await ports();
    const work = () =>
      processSqsBatch(
        batch,
        async (record) => {
          const queued = QueuedCall.parse(JSON.parse(record.body));
          report(await performCall(queued, resolved, record.messageId), obs);
        },
        { logger: obs.logger, parallel: false },
      );
    return settled(work, settle, obs);
  }, obs);
}

function report(result: CallHandled, obs: Observability): void {
  const { logger, metrics } = obs;
  const { applied, ...rest } = result;
  if (applied) reportAppliedInput(applied, obs);
  countBy(metrics, 'Calls', { status: result.status });
  // The reason is the adapter's (a status, a timeout, a network error), never a header value.
  if (result.reason === 'unknown_outcome')
    logger.error('call claimed and never answered; outcome unknown', rest);
  else if (result.status === 'failed') logger.warn('call failed', rest);
  else logger.debug('call handled', rest);
}

const instance = observability('calls');
const wired = once(async () => (await import('./wiring.ts')).wireCalls());
export const handler = callsHandler(refreshing(wired, instance.logger), instance, settleOf(wired));
