import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { StateScanOptions } from '../../adapters/dynamodb/state-scan.ts';
import { readCompiledSegments, type SegmentsConfig } from '../shared/compiled-segments.ts';
import { RuntimeEnvironment } from '../shared/environment.ts';

/**
 * What the segment scan's worker reads: the table and its bundled configuration (the segments and the
 * lifecycle model). No queue: it changes nothing in the table. The bucket comes with each run's request.
 */
export const SegmentScanEnvironment = z.lazy(() =>
  RuntimeEnvironment.unwrap().pick({
    CAIRN_TABLE_NAME: true,
    CAIRN_CONFIG_DIR: true,
    CAIRN_ENVIRONMENT: true,
  }),
);
export type SegmentScanEnvironment = z.infer<typeof SegmentScanEnvironment>;

/**
 * What the worker reads and writes through: the table, the bucket, and the segments and lifecycle of the
 * configuration it was deployed with.
 */
export type SegmentScanPorts = { table: StateScanOptions; s3: S3Client; config: SegmentsConfig };

export async function wireSegmentScan(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<SegmentScanPorts> {
  const env = SegmentScanEnvironment.parse(environment);
  const config = await readCompiledSegments(env.CAIRN_CONFIG_DIR, env.CAIRN_ENVIRONMENT);
  return {
    table: { client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: env.CAIRN_TABLE_NAME },
    s3: new S3Client({}),
    config,
  };
}
