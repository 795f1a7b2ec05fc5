import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ProfileFormat } from '../../functions/core/import/profiles/imported-profile.ts';
import { CairnFunction } from './cairn-function.ts';
import { queueGrant } from './grants.ts';
import { loggedStateMachine } from './logged-state-machine.ts';
import { RowsMap } from './rows-map.ts';

/** Where an object must be written to start an import in its format. */
export const IMPORT_PREFIXES: Record<ProfileFormat, string> = {
  csv: 'imports/csv/',
  jsonl: 'imports/jsonl/',
  pinpoint: 'imports/pinpoint/',
};
/** Where the runs write their batches' results. */
export const IMPORT_RESULTS_PREFIX = 'import-results';

/**
 * How the import runs: batches of 500 rows (well under the 256 KiB payload for profile rows), 10 batches at a
 * time. The ingest queue absorbs the burst; ingest's own maxConcurrency bounds the writes to the table.
 */
export const IMPORT_MAP = {
  maxItemsPerBatch: 500,
  maxInputBytesPerBatch: 256 * 1024,
  maxConcurrency: 10,
  toleratedFailurePercentage: 0,
} as const;

export type ProfileImportProps = {
  prefix: string;
  /** The import bucket of the stateful stack, by name (importBucketNameOf). */
  bucketName: string;
  ingestQueue: IQueue;
  projectRoot: string;
  metricsNamespace: string;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
};

/**
 * The profile import on AWS: an object written under imports/<format>/ of the import bucket (or
 * `cairn import profiles s3://... --env ENV`) starts a state machine whose Distributed Map reads the object's
 * rows and hands them in batches to the import function, which maps them (the same code as the CLI) and puts
 * the events on the ingest queue. Nothing runs between imports.
 */
export class ProfileImport extends Construct {
  readonly stateMachine: StateMachine;
  readonly worker: CairnFunction;

  constructor(scope: Construct, id: string, props: ProfileImportProps) {
    super(scope, id);
    const { prefix } = props;
    const bucket = Bucket.fromBucketName(this, 'Bucket', props.bucketName);
    this.worker = new CairnFunction(this, 'ImportFunction', {
      name: 'import',
      description: 'Rows of a profile file into Profile Imported events on the ingest queue',
      projectRoot: props.projectRoot,
      memorySize: 512,
      timeout: Duration.seconds(60),
      metricsNamespace: props.metricsNamespace,
      logGroupName: `/${prefix}/import`,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.worker.use(queueGrant('CAIRN_INGEST_QUEUE_URL', props.ingestQueue));

    const map = (reader: 'csv' | 'jsonl') =>
      new RowsMap(this, reader === 'csv' ? 'CsvRows' : 'JsonLinesRows', {
        reader,
        bucket,
        keyPath: '$.key',
        worker: this.worker.function,
        ...IMPORT_MAP,
        results: { bucket, prefix: IMPORT_RESULTS_PREFIX },
      }).state;
    const definition = new Choice(this, 'ByFormat')
      .when(Condition.stringEquals('$.format', 'csv'), map('csv'))
      .otherwise(map('jsonl'));
    // Execution data holds customer rows: the log says what ran, not what it carried.
    // `cairn import profiles s3://... --env prod` finds it by its name.
    const machine = loggedStateMachine(this, {
      named: { prefix, name: 'import-profiles' },
      logs: props,
      definition,
      invokes: [this.worker],
      distributedMap: true,
    });
    this.stateMachine = machine.stateMachine;
    machine.acknowledge(
      `arn:<AWS::Partition>:s3:::${props.bucketName}/*`,
      'The Distributed Map reads the object the import was started on, whose key is known only at run time, and writes its results under import-results/: objects of the import bucket only.',
    );

    for (const [format, keyPrefix] of Object.entries(IMPORT_PREFIXES)) {
      new Rule(this, `${format.charAt(0).toUpperCase()}${format.slice(1)}Uploaded`, {
        ruleName: `${prefix}-import-${format}`,
        description: `A profile file written under ${keyPrefix} of the import bucket starts an import`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [props.bucketName] }, object: { key: [{ prefix: keyPrefix }] } },
        },
        targets: [
          new SfnStateMachine(this.stateMachine, {
            input: RuleTargetInput.fromObject({
              bucket: EventField.fromPath('$.detail.bucket.name'),
              key: EventField.fromPath('$.detail.object.key'),
              format,
              importedAt: EventField.time,
            }),
          }),
        ],
      });
    }
  }
}
