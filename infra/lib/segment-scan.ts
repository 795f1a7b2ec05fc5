import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Pass, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CairnFunction } from './cairn-function.ts';
import { tableGrant } from './grants.ts';
import { loggedStateMachine } from './logged-state-machine.ts';
import { RowsMap } from './rows-map.ts';
import { SEGMENTS_MAP, type TableWorkersProps, tableWorker } from './table-workers.ts';

/** Where the runs write their members (`<prefix>/<segment id>/<run>/<Segment>.jsonl`) and their batches' results. */
export const SEGMENT_SCAN_PREFIX = 'segment-scans';
export const SEGMENT_SCAN_RESULTS_PREFIX = 'segment-scan-results';

/** How the scan's Distributed Map runs (table-workers.ts): no Segment may fail, since a count without it would be short. */
export const SEGMENT_SCAN_MAP = SEGMENTS_MAP;

export type SegmentScanProps = TableWorkersProps & {
  /** The bucket the members are written to: the import bucket of the stateful stack, by name. */
  bucketName: string;
};

/**
 * The batch segment evaluation on AWS (`cairn segments estimate|export ID --env ENV`): a state machine whose
 * Distributed Map hands the Segment numbers 0..TotalSegments-1 of a parallel Scan of the table to the segment
 * function, one Segment each, at a bounded concurrency. Each worker scans its Segment only, evaluates the
 * customer states with the same evaluator as the CLI, and writes the members to the bucket; the count is the
 * sum of the workers' results, which the map writes to S3. Nothing runs between runs.
 */
export class SegmentScan extends Construct {
  readonly stateMachine: StateMachine;
  readonly worker: CairnFunction;

  constructor(scope: Construct, id: string, props: SegmentScanProps) {
    super(scope, id);
    const { prefix } = props;
    const bucket = Bucket.fromBucketName(this, 'Bucket', props.bucketName);
    this.worker = tableWorker(
      this,
      'SegmentsFunction',
      {
        name: 'segments',
        description: 'One Segment of a parallel Scan of the customer states into the members of a segment',
      },
      props,
    );
    this.worker.use(tableGrant(props.table, props.tableKey, ['Scan'])).use({
      variables: {},
      statements: [
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${SEGMENT_SCAN_PREFIX}/*`)],
        }),
      ],
    });

    // The request each worker gets, and the Segment numbers to map over, from the run's input
    // ({ segment, at, totalSegments }, SegmentScanRequest without the bucket and the prefix, which are set here).
    const plan = new Pass(this, 'Plan', {
      stateName: 'Plan',
      parameters: {
        request: {
          'segment.$': '$.segment',
          'at.$': '$.at',
          'totalSegments.$': '$.totalSegments',
          bucket: props.bucketName,
          'prefix.$': `States.Format('${SEGMENT_SCAN_PREFIX}/{}/{}', $.segment, $$.Execution.Name)`,
        },
        'segments.$': 'States.ArrayRange(0, States.MathAdd($.totalSegments, -1), 1)',
      },
    });
    const map = new RowsMap(this, 'Segments', {
      reader: 'state',
      itemsPath: '$.segments',
      requestPath: '$.request',
      worker: this.worker.function,
      ...SEGMENT_SCAN_MAP,
      results: { bucket, prefix: SEGMENT_SCAN_RESULTS_PREFIX },
    }).state;
    // `cairn segments estimate ID --env prod` finds it by its name.
    const machine = loggedStateMachine(this, {
      named: { prefix, name: 'segment-scan' },
      logs: props,
      definition: plan.next(map),
      invokes: [this.worker],
      distributedMap: true,
    });
    this.stateMachine = machine.stateMachine;
    machine.acknowledge(
      `arn:<AWS::Partition>:s3:::${props.bucketName}/*`,
      "The Distributed Map writes its results under segment-scan-results/ (CDK grants the ResultWriter on the bucket's objects): objects of the import bucket only.",
    );
    Validations.of(this.worker.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.bucketName}/${SEGMENT_SCAN_PREFIX}/*]`,
      reason:
        'The worker writes one member file per Segment under segment-scans/<segment>/<run>/, named at run time: objects under that prefix of the import bucket only, PutObject only.',
    });
  }
}
