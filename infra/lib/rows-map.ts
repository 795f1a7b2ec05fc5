import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  CsvHeaders,
  DistributedMap,
  type IItemReader,
  ItemBatcher,
  JsonPath,
  ResultWriterV2,
  S3CsvItemReader,
  S3JsonLItemReader,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export type RowsMapProps = {
  /** How the object is read: CSV with its header on the first row, or JSON Lines. */
  reader: 'csv' | 'jsonl';
  /** The bucket the object is in; its key is read from the state input at `keyPath`. */
  bucket: IBucket;
  keyPath: string;
  /** The function each batch of rows goes to, as `{ BatchInput: { request: <state input> }, Items: [{ index, value }] }`. */
  worker: IFunction;
  /** Batches worked at once: with the worker's own fan-out, the ceiling of the write rate it causes. */
  maxConcurrency: number;
  maxItemsPerBatch: number;
  /** At most 256 KiB, the state payload limit. */
  maxInputBytesPerBatch: number;
  /** Failed batches tolerated before the run fails; 0 fails it on the first (after the retries). */
  toleratedFailurePercentage: number;
  /** Where the run writes its batches' results (one file per status), so none has to fit in a state payload. */
  results: { bucket: IBucket; prefix: string };
};

/**
 * A Step Functions Distributed Map over the rows of one S3 object: the ItemReader reads the object in the
 * service (no function holds the file), batches of rows go to a worker function, at most `maxConcurrency` at
 * a time, each batch retried on throttling and transient errors, and the results written to S3. The profile
 * import uses one per reader (infra/lib/profile-import.ts); a segment scan can use the same.
 */
export class RowsMap extends Construct {
  readonly state: DistributedMap;

  constructor(scope: Construct, id: string, props: RowsMapProps) {
    super(scope, id);
    const key = JsonPath.stringAt(props.keyPath);
    const itemReader: IItemReader =
      props.reader === 'csv'
        ? new S3CsvItemReader({ bucket: props.bucket, key, csvHeaders: CsvHeaders.useFirstRow() })
        : new S3JsonLItemReader({ bucket: props.bucket, key });
    this.state = new DistributedMap(this, 'Map', {
      // State names are unique in a state machine: the construct's id names its states.
      stateName: id,
      itemReader,
      // Each item with its index in the object: the worker numbers rows (and so makes ids) from it.
      itemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: props.maxItemsPerBatch,
        maxInputBytesPerBatch: props.maxInputBytesPerBatch,
        batchInput: { 'request.$': '$' },
      }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      resultWriterV2: new ResultWriterV2({ bucket: props.results.bucket, prefix: props.results.prefix }),
    });
    const work = new LambdaInvoke(this, 'Batch', {
      stateName: `${id} batch`,
      lambdaFunction: props.worker,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    // Throttling and transient failures are retried with backoff; a rerun of a batch is harmless to the worker.
    work.addRetry({
      errors: [
        'Lambda.TooManyRequestsException',
        'Lambda.ServiceException',
        'Lambda.SdkClientException',
        'Lambda.AWSLambdaException',
        'States.TaskFailed',
      ],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: undefined,
    });
    this.state.itemProcessor(work);
  }
}
