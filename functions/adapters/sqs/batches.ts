import type { SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';

/** SendMessageBatch takes at most 10 entries. */
export const SQS_BATCH_LIMIT = 10;

export function inBatches<T>(items: readonly T[], size = SQS_BATCH_LIMIT): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** Each entry SQS did not accept, as `id: code message`. */
export function failedEntries(output: SendMessageBatchCommandOutput): string[] {
  return (output.Failed ?? []).map((f) => `${f.Id}: ${f.Code ?? 'error'} ${f.Message ?? ''}`.trim());
}
