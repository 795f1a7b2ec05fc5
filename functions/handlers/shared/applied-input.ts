import type { InputResult } from '../../core/runtime/ingest.ts';
import { count, countBy, type Observability } from './observability.ts';

/**
 * The counts of one input applied to a customer, whichever handler applied it: an event (ingest), a timer
 * (timers: a wait ending, or a lifecycle boundary that moves the customer to a stage whose journey enrolls
 * them), a send that ended its enrollment (deliver). Every handler that applies an input reports it here, so
 * `Enrollments` and `SendIntents` count every enrollment and send intent wherever it started, and an
 * undispatched-effects dead letter is counted and logged the same way by each. `logFields` go into its log
 * lines besides the user and the input key (ingest adds the event's id).
 */
export function reportAppliedInput(
  result: InputResult,
  { logger, metrics }: Observability,
  logFields: Record<string, string> = {},
): void {
  count(metrics, 'Enrollments', result.enrolled.length);
  count(metrics, 'SendIntents', result.sends);
  count(metrics, 'StateWriteRetries', result.attempts - 1);
  if (result.deadLettered) {
    countBy(metrics, 'DeadLetters', { kind: 'undispatched-effects' });
    logger.error('state written but effects not handed on; dead-lettered', {
      ...logFields,
      userId: result.userId,
      inputKey: result.inputKey,
    });
  }
  logger.debug('input applied', {
    ...logFields,
    userId: result.userId,
    inputKey: result.inputKey,
    written: result.written,
    enrolled: result.enrolled,
    sends: result.sends,
  });
}
