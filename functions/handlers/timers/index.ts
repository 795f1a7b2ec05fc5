import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { applyInput } from '../../core/runtime/ingest.ts';
import { fireDueTimers, SWEEP_LIMIT, type SweepReport } from '../../core/runtime/timers.ts';
import { reportAppliedInput } from '../shared/applied-input.ts';
import { ScheduledEvent } from '../shared/envelopes.ts';
import { refreshing } from '../shared/journey-catalog.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import { type Settle, settled, settleOf } from '../shared/outcomes.ts';
import { wireTimers } from './wiring.ts';

/**
 * Invoked each minute by a schedule: fires the timers due by now (journey waits, lifecycle boundaries), each
 * applied to its customer like an event. A timer that fails stays pending and is fired by a later sweep, so
 * the invocation itself fails only when the sweep cannot run at all.
 */
export function timersHandler(
  ports: () => Promise<ApplyPorts>,
  obs: Observability = observability('timers'),
  options: { concurrency?: number; settle?: Settle } = {},
) {
  return withObservability(async (event: unknown): Promise<SweepReport> => {
    const scheduled = ScheduledEvent.parse(event);
    const resolved = await ports();
    const now = resolved.context().now;
    const sweep = () =>
      fireDueTimers({
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
      });
    const report = await settled(sweep, options.settle, obs);
    count(obs.metrics, 'TimersFired', report.fired);
    count(obs.metrics, 'TimersFailed', report.failed);
    if (report.fired > 0) obs.metrics.addMetric('TimerLagMaxMs', MetricUnit.Milliseconds, report.maxLagMs);
    if (report.failed > 0)
      obs.logger.warn('timers left pending for the next sweep', { failed: report.failed });
    return report;
  }, obs);
}

const instance = observability('timers');
/** The catalog is refreshed, when a minute old, before each invocation: pauses and new versions apply within a minute. */
const wired = once(() => wireTimers());
export const handler = timersHandler(refreshing(wired, instance.logger), instance, {
  settle: settleOf(wired),
});
