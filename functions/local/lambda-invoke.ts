import type { Context } from 'aws-lambda';
import type { BatchResponse } from '../handlers/shared/envelopes.ts';
import { LOCAL_REGION } from './dynalite.ts';
import type { LocalMessage, LocalQueue } from './local-queue.ts';

/** The context every local invocation of a handler gets, as Lambda hands one. */
export const LAMBDA_CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cairn-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:cairn-local',
  memoryLimitInMB: '1024',
  awsRequestId: 'local',
  logGroupName: '/aws/lambda/cairn-local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 900_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

export const LOCAL_ACCOUNT = '000000000000';

/** A handler of SQS batches, as an event source mapping invokes it. */
export type BatchHandler = (event: unknown, context: Context) => Promise<BatchResponse | undefined>;

/** Up to `workers` batches at once, as that many function instances would take them. */
export async function runBatch(
  queue: LocalQueue,
  handler: BatchHandler,
  size: number,
  workers = 1,
): Promise<boolean> {
  const batches: ReturnType<LocalQueue['receive']>[] = [];
  for (let batch = queue.receive(size); batch.length > 0; batch = queue.receive(size)) {
    batches.push(batch);
    if (batches.length >= workers) break;
  }
  if (batches.length === 0) return false;
  await Promise.all(
    batches.map(async (batch) => {
      const response = await handler(sqsEvent(queue.name, batch), LAMBDA_CONTEXT);
      queue.settle(batch, new Set(response?.batchItemFailures.map((f) => f.itemIdentifier) ?? []));
    }),
  );
  return true;
}

/** Resolves once the queue holds fewer than `backlog` messages (checked every few milliseconds). */
export async function room(queue: LocalQueue, backlog: number): Promise<void> {
  while (queue.depth >= backlog) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Runs tasks one after the other, in the order they were asked for. */
export function serialiser() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = last.then(task, task);
    last = next.catch(() => undefined);
    return next;
  };
}

/** The SQS event an event source mapping hands a function. */
function sqsEvent(queue: string, batch: readonly LocalMessage[]) {
  return {
    Records: batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: { ApproximateReceiveCount: String(message.receiveCount) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cairn-${queue}`,
      awsRegion: LOCAL_REGION,
    })),
  };
}
