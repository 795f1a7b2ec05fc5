import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  handlerLogger,
  metricsNamespace,
  observability,
} from '../../../functions/handlers/shared/observability.ts';

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

describe('the log lines of a function', () => {
  /** What one INFO line with an address in its message and its fields prints. */
  function printedBy(logger: ReturnType<typeof handlerLogger>): string {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      logger.info('bounce for ana@example.com', {
        detail: { to: '+447700900123' },
        error: new Error('x@y.org'),
      });
    } finally {
      spy.mockRestore();
    }
    return printed.join('');
  }

  it('mask addresses wherever they are, error messages included', () => {
    // Act
    const text = printedBy(handlerLogger('deliver', { logLevel: 'INFO' }));

    // Assess
    expect(text).toContain('bounce for a***@example.com');
    expect(text).toContain('+44*******123');
    expect(text).not.toMatch(/ana@example\.com|\+447700900123|x@y\.org/);
  });

  it('show them with --show-pii, for local debugging', () => {
    // Act
    const text = printedBy(handlerLogger('deliver', { logLevel: 'INFO', pii: 'shown' }));

    // Assess
    expect(text).toContain('bounce for ana@example.com');
    expect(text).toContain('+447700900123');
  });
});
