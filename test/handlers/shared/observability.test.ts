import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsNamespace, observability } from '../../../functions/handlers/shared/observability.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The namespace of the EMF document the metrics would publish. */
function publishedNamespace(metrics: ReturnType<typeof observability>['metrics']): unknown {
  metrics.addMetric('EventsIn', 'Count', 1);
  return metrics.serializeMetrics()._aws.CloudWatchMetrics[0]?.Namespace;
}

describe('the metrics of a function', () => {
  it("publish in the namespace of the function's environment, as the CDK app sets it", () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', metricsNamespace('staging'));

    // Act
    const { metrics } = observability('ingest');

    // Assess
    expect(publishedNamespace(metrics)).toBe('Cairn/staging');
  });

  it('publish in Cairn where no environment is set (tests, the local stack)', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', undefined);

    // Act
    const { metrics } = observability('ingest');

    // Assess
    expect(publishedNamespace(metrics)).toBe('Cairn');
  });
});
