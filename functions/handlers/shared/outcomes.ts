import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { JourneyCounts } from '../../core/outcomes/journey-counts.ts';
import { observeAll, outcomeObserver } from '../../core/outcomes/observer.ts';
import type { Observer } from '../../core/ports/observer.ts';
import type { OutcomeLog } from '../../core/ports/outcome-log.ts';
import { count, type Observability } from './observability.ts';

/** What a handler does at the end of every invocation, thrown or not, with what its use cases observed. */
export type Settle = (obs: Observability) => Promise<void>;

/**
 * The observer a function's use cases are given (docs/outcomes.md): the outcome log, when the environment names
 * one, and the per-journey counts; and `settle`, which the handler calls once per invocation to publish both.
 */
export type InvocationObservers = { observer: Observer; settle: Settle };

export function invocationObservers(options: {
  log?: OutcomeLog;
  /** The journeys with a `JourneyId` dimension of their own (journeysWithMetrics). */
  journeys: readonly string[];
}): InvocationObservers {
  const { log } = options;
  const counts = new JourneyCounts(options.journeys);
  return {
    observer: observeAll(counts, log && outcomeObserver(log)),
    async settle({ metrics, logger }) {
      for (const { metric, dimensions, value } of counts.drain()) {
        // Without the `service` dimension: enrollments come from four functions, and a journey's line is one
        // metric, not one per function (each is billed).
        const single = metrics.singleMetric();
        single.clearDefaultDimensions();
        single.addDimensions(dimensions);
        single.addMetric(metric, MetricUnit.Count, value);
      }
      if (!log) return;
      try {
        await log.flush();
      } catch (error) {
        // Not a failed batch: a re-delivered input makes no records again (docs/outcomes.md, "On AWS"), and
        // deliver would record a re-delivered send as a duplicate. The log keeps what it could not store.
        count(metrics, 'OutcomeLogFailures');
        logger.error('outcome records not stored; kept for the next invocation', { error });
      }
    },
  };
}

/** `work`, then `settle` whatever came of it. */
export async function settled<T>(work: () => Promise<T>, settle: Settle | undefined, obs: Observability) {
  try {
    return await work();
  } finally {
    await settle?.(obs);
  }
}

/**
 * The `settle` of a function's wiring, for its handler: `ingestHandler(refreshing(wired), obs, settleOf(wired))`.
 * The handler calls it only after the ports resolved, so `wired` is resolved by then.
 */
export function settleOf(wired: () => Promise<{ settle?: Settle }>): Settle {
  return async (obs) => (await wired()).settle?.(obs);
}
