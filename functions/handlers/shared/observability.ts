import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';

/** The CloudWatch namespace of Cairn's metrics where no environment says otherwise (tests, the local stack). */
export const METRICS_NAMESPACE = 'Cairn';

/**
 * The namespace of one environment's metrics (`Cairn/dev`, `Cairn/prod`; docs/runtime.md lists the metrics), so
 * that two environments in one account and Region never add up in one dashboard or alarm. The CDK app sets it
 * on every function as POWERTOOLS_METRICS_NAMESPACE.
 */
export function metricsNamespace(environment: string): string {
  return `${METRICS_NAMESPACE}/${environment}`;
}

export type Observability = { logger: Logger; metrics: Metrics };

export function observability(service: string): Observability {
  return {
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      serviceName: service,
    }),
  };
}

/**
 * The same middleware on every handler: the Lambda context in every log line, and the metrics of the
 * invocation flushed as one EMF document when it ends (also when it throws).
 */
export function withObservability<Event, Result>(
  handler: (event: Event) => Promise<Result>,
  { logger, metrics }: Observability,
) {
  return middy(handler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export function count(metrics: Metrics, name: string, value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * A count with its own dimensions (channel, reason...). It goes out as its own EMF document, because the
 * dimensions of the invocation's document apply to every metric in it.
 */
export function countBy(metrics: Metrics, name: string, dimensions: Record<string, string>, value = 1): void {
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, MetricUnit.Count, value);
}
