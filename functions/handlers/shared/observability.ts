import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { maskingReplacer, type PiiDisplay } from '../../core/diagnostics/mask.ts';

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
    logger: handlerLogger(service),
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
  handler: (event: Event, context: Context) => Promise<Result>,
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

/**
 * A handler's logger. Every string of every log line goes through `maskText` (core/diagnostics/mask.ts), so an
 * email address or phone number in a field, an error message or a provider's text is masked whatever logged
 * it; names and message content are never logged at all. `shown` is for local debugging only
 * (`cairn start --show-pii`); the Lambda functions always mask.
 */
export function handlerLogger(
  service: string,
  options: { logLevel?: 'SILENT' | 'WARN' | 'INFO' | 'DEBUG'; pii?: PiiDisplay } = {},
): Logger {
  return new Logger({
    serviceName: service,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.pii === 'shown' ? {} : { jsonReplacerFn: maskingReplacer }),
  });
}
