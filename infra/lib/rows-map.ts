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

/** The rows of an S3 object, read by the service. */
export type ObjectRows = {
  /** How the object is read: CSV with its header on the first row, or JSON Lines. */
  reader: 'csv' | 'jsonl';
  /** The bucket the object is in; its key is read from the state input at `keyPath`. */
  bucket: IBucket;
  keyPath: string;
};

/**
 * A JSON array in the state input (at most the 256 KiB payload), such as the Segment numbers of a parallel
 * Scan; each batch gets the input at `requestPath` as its request.
 */
export type StateItems = { reader: 'state'; itemsPath: string; requestPath: string };

export type RowsMapProps = (ObjectRows | StateItems) & {
  /** The function each batch of rows goes to, as `{ BatchInput: { request: <state input> }, Items: [{ index, value }] }`. */
  worker: IFunction;
  /** Batches worked at once: with the worker's own fan-out, the ceiling of the write rate it causes. */
  maxConcurrency: number;
  maxItemsPerBatch: number;
  /** At most 256 KiB, the state payload limit. */
  maxInputBytesPerBatch: number;
  /** Failed batches tolerated before the run fails; 0 fails it on the first (after the retries). */
  toleratedFailurePercentage: number;
  /**
   * Where the run writes its batches' results (one file per status), so none has to fit in a state payload; or,
   * for results small enough to fit together (256 KiB), where in the state they go as an array.
   */
  results: { bucket: IBucket; prefix: string } | { resultPath: string };
};

/**
 * A Step Functions Distributed Map over the rows of one S3 object: the ItemReader reads the object in the
 * service (no function holds the file), batches of rows go to a worker function, at most `maxConcurrency` at
 * a time, each batch retried on throttling and transient errors, and the results written to S3. The profile
 * import uses one per reader (infra/lib/profile-import.ts). Over `StateItems` it maps an array of the state
 * input instead: the Segment numbers of the segment scan (infra/lib/segment-scan.ts) and of a scheduled run
 * (infra/lib/audience-runs.ts).
 */
export class RowsMap extends Construct {
  readonly state: DistributedMap;

  constructor(scope: Construct, id: string, props: RowsMapProps) {
    super(scope, id);
    const source =
      props.reader === 'state' ? { itemsPath: props.itemsPath } : { itemReader: objectReader(props) };
    this.state = new DistributedMap(this, 'Map', {
      // State names are unique in a state machine: the construct's id names its states.
      stateName: id,
      ...source,
      // Each item with its index in the object: the worker numbers rows (and so makes ids) from it.
      itemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: props.maxItemsPerBatch,
        maxInputBytesPerBatch: props.maxInputBytesPerBatch,
        batchInput: { 'request.$': props.reader === 'state' ? props.requestPath : '$' },
      }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      ...('resultPath' in props.results
        ? { resultPath: props.results.resultPath }
        : {
            resultWriterV2: new ResultWriterV2({
              bucket: props.results.bucket,
              prefix: props.results.prefix,
            }),
          }),
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

function objectReader(props: ObjectRows): IItemReader {
  const key = JsonPath.stringAt(props.keyPath);
  return props.reader === 'csv'
    ? new S3CsvItemReader({ bucket: props.bucket, key, csvHeaders: CsvHeaders.useFirstRow() })
    : new S3JsonLItemReader({ bucket: props.bucket, key });
}
