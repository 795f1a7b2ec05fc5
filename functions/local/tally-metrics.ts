import { Metrics } from '@aws-lambda-powertools/metrics';
import type { PiiDisplay } from '../core/diagnostics/mask.ts';
import { handlerLogger, METRICS_NAMESPACE, type Observability } from '../handlers/shared/observability.ts';

/** Counts by metric name and dimensions, e.g. `SendOutcomes` by `channel=email,status=SENT,reason=sent`. */
export class MetricTally {
  private readonly values = new Map<string, number>();

  add(name: string, dimensions: Readonly<Record<string, string>>, value: number): void {
    const key = tallyKey(name, dimensions);
    this.values.set(key, (this.values.get(key) ?? 0) + value);
  }

  /** The total of a metric, over every dimension value, or only those matching `where`. */
  total(name: string, where: Readonly<Record<string, string>> = {}): number {
    let sum = 0;
    for (const [key, value] of this.values) {
      const parsed = parseKey(key);
      if (parsed.name !== name) continue;
      if (Object.entries(where).every(([k, v]) => parsed.dimensions[k] === v)) sum += value;
    }
    return sum;
  }

  /** Every (dimensions, value) of a metric. */
  series(name: string): { dimensions: Record<string, string>; value: number }[] {
    return [...this.values]
      .map(([key, value]) => ({ ...parseKey(key), value }))
      .filter((entry) => entry.name === name)
      .map(({ dimensions, value }) => ({ dimensions, value }));
  }
}

function tallyKey(name: string, dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify([name, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);
}

function parseKey(key: string): { name: string; dimensions: Record<string, string> } {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !Array.isArray(parsed[1]))
    throw new Error(`not a tally key: ${key}`);
  const dimensions: Record<string, string> = {};
  for (const pair of parsed[1]) {
    if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string')
      dimensions[pair[0]] = pair[1];
  }
  return { name: parsed[0], dimensions };
}

/**
 * Powertools Metrics that add to a tally instead of printing EMF: the handlers record exactly what they record
 * on AWS, and the local stack's report reads it back.
 */
class TallyMetrics extends Metrics {
  private dimensions: Record<string, string> = {};

  constructor(
    private readonly tally: MetricTally,
    serviceName: string,
  ) {
    super({ namespace: METRICS_NAMESPACE, serviceName });
  }

  override addDimension(name: string, value: string): this {
    this.dimensions = { ...this.dimensions, [name]: value };
    return this;
  }

  override addMetric(name: string, _unit: Parameters<Metrics['addMetric']>[1], value: number): this {
    this.tally.add(name, this.dimensions, value);
    return this;
  }

  override singleMetric(): Metrics {
    return new TallyMetrics(this.tally, 'single');
  }

  override publishStoredMetrics(): this {
    return this;
  }

  override captureColdStartMetric(): void {}
}

/**
 * The handlers' logger and metrics for the local stack: quiet logs unless asked, masked unless `pii` is
 * `shown` (`--show-pii`), metrics into `tally`.
 */
export function localObservability(
  service: string,
  tally: MetricTally,
  logLevel: 'SILENT' | 'WARN' | 'INFO' | 'DEBUG',
  pii: PiiDisplay = 'masked',
): Observability {
  return {
    logger: handlerLogger(service, { logLevel, pii }),
    metrics: new TallyMetrics(tally, service),
  };
}
