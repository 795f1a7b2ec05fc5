import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CairnFunction, type HandlerName } from './cairn-function.ts';
import type { ShippedConfig } from './journeys.ts';

/**
 * What a state machine whose workers read the customer states of the table needs (the segment scan, the
 * scheduled runs): the table and its key, the configuration its workers evaluate states with, and where they log.
 */
export type TableWorkersProps = {
  prefix: string;
  table: ITable;
  tableKey: IKey;
  shipped: ShippedConfig;
  projectRoot: string;
  /** The policy environment of policies.yaml and lifecycle.yaml the functions run with, if any. */
  policyEnvironment: string | undefined;
  metricsNamespace: string;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
};

/**
 * How such a Distributed Map runs: one Segment of a parallel Scan per batch (about 100,000 items, SCAN_SEGMENTS
 * in functions/core/segments/scan.ts), 20 Segments at a time, and no Segment may fail: a count or a run missing
 * one would be short, so the run fails instead (after each Segment's retries).
 */
export const SEGMENTS_MAP = {
  maxItemsPerBatch: 1,
  maxInputBytesPerBatch: 256 * 1024,
  maxConcurrency: 20,
  toleratedFailurePercentage: 0,
} as const;

/**
 * The worker of such a state machine: 1024 MB (decoding and evaluating states is CPU work, and Lambda gives CPU
 * in proportion to memory), 5 minutes for a Segment, the shipped configuration, its own log group
 * `/<prefix>/<name>`, the environment's policy environment (the runs worker adds the default zone: audience-runs.ts). Its grants are the caller's.
 */
export function tableWorker(
  scope: Construct,
  id: string,
  worker: { name: HandlerName; description: string },
  props: TableWorkersProps,
): CairnFunction {
  const fn = new CairnFunction(scope, id, {
    ...worker,
    projectRoot: props.projectRoot,
    shipped: props.shipped,
    memorySize: 1024,
    timeout: Duration.minutes(5),
    metricsNamespace: props.metricsNamespace,
    logGroupName: `/${props.prefix}/${worker.name}`,
    logRetention: props.logRetention,
    logRemovalPolicy: props.logRemovalPolicy,
  });
  if (props.policyEnvironment) fn.setting('CAIRN_ENVIRONMENT', props.policyEnvironment);
  return fn;
}
