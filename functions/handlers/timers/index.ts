import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { applyInput } from '../../core/runtime/ingest.ts';
import { SWEEP_LIMIT, type SweepsReport, sweepWhileDue } from '../../core/runtime/timers.ts';
import { reportAppliedInput } from '../shared/applied-input.ts';
import { ScheduledEvent } from '../shared/envelopes.ts';
import { refreshing } from '../shared/journey-catalog.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import { type Settle, settled, settleOf } from '../shared/outcomes.ts';

/**
 * What a timers invocation keeps of its time for its last sweep and the metrics' flush: a sweep of SWEEP_LIMIT
 * timers, 8 or more at a time, takes a second or two; the rest of the function's 60 s go to sweeping.
 */
export const TIMERS_RESERVE_MS = 20_000;

/** Timers fired at once by one timers invocation on AWS (each a read and a conditional write of the customer). */
export const AWS_FIRE_CONCURRENCY = 32;

/**
 * Invoked each minute by a schedule: fires the timers due by now (journey waits, lifecycle boundaries, members'
 * entries at their local time), each applied to its customer like an event, sweep after sweep of SWEEP_LIMIT
 * while more are due and the invocation has time left (`sweepWhileDue`). A timer that fails stays pending and
 * is fired by a later sweep, so the invocation itself fails only when the sweep cannot run at all.
 */
export function timersHandler(
  ports: () => Promise<ApplyPorts>,
  obs: Observability = observability('timers'),
  options: { concurrency?: number; settle?: Settle; reserveMs?: number } = {},
) {
  return withObservability(async (event: unknown, context: Context): Promise<SweepsReport> => {
    const scheduled = ScheduledEvent.parse(event);
    const resolved = await ports();
    const now = resolved.context().now;
    const sweep = () =>
      sweepWhileDue(
        {
          timers: resolved.timers,
          now,
          limit: SWEEP_LIMIT,
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          fire: async (timer) => {
            const applied = await applyInput(
              timer.userId,
              { kind: 'timer', timer },
              resolved,
              `timer:${scheduled.time}`,
            );
            reportAppliedInput(applied, obs);
          },
        },
        {
          remainingMs: () => context.getRemainingTimeInMillis(),
          reserveMs: options.reserveMs ?? TIMERS_RESERVE_MS,
        },
      );
    const report = await settled(sweep, options.settle, obs);
    count(obs.metrics, 'TimersFired', report.fired);
    count(obs.metrics, 'TimersFailed', report.failed);
    count(obs.metrics, 'TimerSweeps', report.sweeps);
    if (report.fired > 0) obs.metrics.addMetric('TimerLagMaxMs', MetricUnit.Milliseconds, report.maxLagMs);
    if (report.failed > 0)
      obs.logger.warn('timers left pending for the next sweep', { failed: report.failed });
    if (report.more) obs.logger.info('timers still due, left for the next minute', { fired: report.fired });
    return report;
  }, obs);
}

const instance = observability('timers');
/** The catalog is refreshed, when a minute old, before each invocation: pauses and new versions apply within a minute. */
const wired = once(async () => (await import('./wiring.ts')).wireTimers());
export const handler = timersHandler(refreshing(wired, instance.logger), instance, {
  settle: settleOf(wired),
  concurrency: AWS_FIRE_CONCURRENCY,
});
