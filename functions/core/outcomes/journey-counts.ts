import type { Journey } from '../journeys/schema.ts';
import { Channel } from '../journeys/schema-parts.ts';
import type { Observation, Observer } from '../ports/observer.ts';

/** How many journeys get a `JourneyId` dimension of their own when the environment does not say. */
export const DEFAULT_JOURNEY_METRICS_LIMIT = 20;
/** The `JourneyId` every journey without a dimension of its own is counted under. */
export const OTHER_JOURNEYS = 'other';

/** The per-journey metrics (docs/runtime.md, "Metrics"); each is counted here and only here. */
export const JOURNEY_METRICS = ['JourneyEnrollments', 'JourneySends', 'JourneyGoals'] as const;
export type JourneyMetric = (typeof JOURNEY_METRICS)[number];

/** One count to publish: a metric, its dimensions (`JourneyId`, and `channel` for sends) and how many. */
export type JourneyCount = {
  metric: JourneyMetric;
  dimensions: { JourneyId: string; channel?: Channel };
  value: number;
};

/**
 * The journeys that get a `JourneyId` dimension of their own: the active ones of the compiled configuration, in
 * id order, at most `limit`. Each distinct dimension value is a metric CloudWatch bills for (docs/outcomes.md,
 * "Per-journey metrics"), so the set is fixed when the functions are built, and the dashboard (synth time)
 * and the functions (run time) draw it from here alike.
 */
export function journeysWithMetrics(
  journeys: Iterable<Pick<Journey, 'id' | 'status'>>,
  limit: number,
): string[] {
  const active = new Set<string>();
  for (const journey of journeys) if (journey.status === 'active') active.add(journey.id);
  return [...active].sort().slice(0, Math.max(0, limit));
}

/**
 * Counts enrollments, messages sent (by channel) and goals reached per journey from what the use cases observe,
 * so the counts are of the same observations as the outcome log's records. `drain` hands over the counts since
 * the last drain (a function publishes them once per invocation) with every journey outside `named` folded into
 * `JourneyId=other`.
 */
export class JourneyCounts implements Observer {
  private readonly named: ReadonlySet<string>;
  private counts = new Map<string, JourneyCount>();

  constructor(named: Iterable<string>) {
    this.named = new Set(named);
  }

  observe(observation: Observation): void {
    if (observation.type === 'delivered') {
      const { intent, outcome } = observation;
      // The policies' outcome names its channel as text; a send went out on one of the enum's.
      const channel = outcome.status === 'SENT' ? Channel.safeParse(outcome.channel) : undefined;
      if (channel?.success) this.add('JourneySends', intent.journeyId, channel.data);
      return;
    }
    if (observation.type !== 'applied') return;
    for (const effect of observation.effects) {
      if (effect.type === 'enrolled') this.add('JourneyEnrollments', effect.journeyId);
      if (effect.type === 'goal-reached') this.add('JourneyGoals', effect.journeyId);
    }
  }

  /** The counts since the last drain, in a stable order, and none kept. */
  drain(): JourneyCount[] {
    const drained = [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, count]) => count);
    this.counts = new Map();
    return drained;
  }

  private add(metric: JourneyMetric, journeyId: string, channel?: Channel): void {
    const JourneyId = this.named.has(journeyId) ? journeyId : OTHER_JOURNEYS;
    const key = `${metric}|${JourneyId}|${channel ?? ''}`;
    const count = this.counts.get(key);
    if (count) count.value++;
    else
      this.counts.set(key, {
        metric,
        dimensions: channel ? { JourneyId, channel } : { JourneyId },
        value: 1,
      });
  }
}
