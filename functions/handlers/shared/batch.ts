import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BatchResponse, SqsBatch, SqsRecord } from './envelopes.ts';

export type BatchOptions = {
  logger: Logger;
  /**
   * Records one after the other (false) or all at once (true). Records that must not overlap (ingest's of one
   * customer) are ordered by the handler itself (core/collections/keyed-queue.ts), not here.
   */
  parallel: boolean;
};

/**
 * Runs `handle` on each record and reports the ones that threw as `batchItemFailures`, so SQS retries only
 * those (the event source mapping needs `ReportBatchItemFailures`). A batch that failed whole is reported the
 * same way rather than thrown, so the response always has one shape.
 */
export async function processSqsBatch(
  batch: SqsBatch,
  handle: (record: SqsRecord) => Promise<void>,
  { logger, parallel }: BatchOptions,
): Promise<BatchResponse> {
  const logged = async (record: SqsRecord) => {
    try {
      await handle(record);
    } catch (error) {
      logger.error('record failed; SQS will retry it', { messageId: record.messageId, error });
      throw error;
    }
  };
  return processPartialResponse(batch, logged, new BatchProcessor(EventType.SQS), {
    processInParallel: parallel,
    throwOnFullBatchFailure: false,
  });
}
