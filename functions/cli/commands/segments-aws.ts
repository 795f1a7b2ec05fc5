/**
 * `cairn segments estimate|export ID --env ENV` without `--events`: starts the environment's segment scan
 * (infra/lib/segment-scan.ts) and follows it until it ends, then sums the workers' results (estimate) or reads
 * the member files they wrote (export). The work is done in the account; this only starts and watches.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import type { MemberRow } from '../../core/segments/batch.ts';
import { SegmentScanResult, totalSegmentsFor } from '../../core/segments/scan.ts';
import type { CliIo } from '../io.ts';
import {
  explainAwsError,
  findStateMachine,
  followRun,
  MapOutput,
  mapBatchOutputs,
  readObjectText,
} from '../state-machine-run.ts';

export type AwsSegmentOptions = {
  action: 'estimate' | 'export';
  segment: string;
  env: string;
  /** The time of the evaluation, epoch ms. */
  at: number;
  region?: string | undefined;
  stateMachine?: string | undefined;
  /** DynamoDB's TotalSegments; by default from the table's ItemCount (totalSegmentsFor). */
  totalSegments?: number | undefined;
};

export type AwsSegmentClients = {
  sfn: SFNClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sleep: (ms: number) => Promise<void>;
};

export type AwsSegmentOutcome =
  | { ok: true; members: number; customers: number; rows: MemberRow[] }
  | { ok: false; code: number };

const NAME = 'cairn segments';

function clientsFor(region: string | undefined): AwsSegmentClients {
  const config = region === undefined ? {} : { region };
  return {
    sfn: new SFNClient(config),
    s3: new S3Client(config),
    dynamodb: new DynamoDBClient(config),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** What an AWS error means here, in one line, with how to fix it. */
function explain(error: unknown): string {
  return explainAwsError(error, (name, message) =>
    name === 'ResourceNotFoundException'
      ? `${message} (check --env and --region, or pass --total-segments N)`
      : undefined,
  );
}

/** Runs the scan and returns its count (and, for export, the members); prints progress and errors to stderr. */
export async function segmentsOnAws(
  options: AwsSegmentOptions,
  io: CliIo,
  clients: AwsSegmentClients = clientsFor(options.region),
): Promise<AwsSegmentOutcome> {
  try {
    const arn = await stateMachineArn(clients.sfn, options);
    if (arn === undefined) {
      io.stderr(
        `${NAME}: no state machine cairn-${options.env}-segment-scan in this account and region: check --env and --region, or pass --state-machine ARN`,
      );
      return { ok: false, code: 1 };
    }
    const totalSegments = options.totalSegments ?? (await segmentsOfTable(clients.dynamodb, options.env));
    const input = { segment: options.segment, at: new Date(options.at).toISOString(), totalSegments };
    const started = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }),
    );
    const executionArn = started.executionArn ?? '';
    io.stderr(
      `${NAME}: started ${executionArn}: ${options.segment} over ${totalSegments} Segment(s) of the table`,
    );
    const output = await follow(executionArn, io, clients);
    if (output === undefined) return { ok: false, code: 1 };
    return await collect(output, options.action, clients.s3);
  } catch (error) {
    io.stderr(`${NAME}: ${options.segment} on ${options.env}: ${explain(error)}`);
    return { ok: false, code: 1 };
  }
}

/** The state machine's ARN: as given, else the one named cairn-ENV-segment-scan in this account and region. */
async function stateMachineArn(sfn: SFNClient, options: AwsSegmentOptions): Promise<string | undefined> {
  return options.stateMachine ?? (await findStateMachine(sfn, `cairn-${options.env}-segment-scan`));
}

/** TotalSegments from the table's ItemCount (DynamoDB updates it about every six hours). */
async function segmentsOfTable(dynamodb: DynamoDBClient, env: string): Promise<number> {
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: `cairn-${env}` }));
  return totalSegmentsFor(table.Table?.ItemCount ?? 0);
}

/** Follows the run until it ends, printing the Segments done as they change: its output, or undefined. */
function follow(executionArn: string, io: CliIo, clients: AwsSegmentClients): Promise<string | undefined> {
  return followRun(executionArn, {
    ...clients,
    io,
    command: NAME,
    progress: (counts) =>
      `Segments: ${counts.succeeded ?? 0} of ${counts.total ?? 0} done, ${counts.failed ?? 0} failed`,
  });
}

const MemberLine = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  stage: z.string().nullable(),
  segments: z.array(z.string()),
});

/** The workers' results summed from the files the map's ResultWriter wrote; for export, their member files read. */
async function collect(
  output: string,
  action: AwsSegmentOptions['action'],
  s3: S3Client,
): Promise<AwsSegmentOutcome> {
  const details = MapOutput.parse(JSON.parse(output)).ResultWriterDetails;
  const { Bucket } = details;
  let members = 0;
  let customers = 0;
  const files: string[] = [];
  for (const batch of await mapBatchOutputs(s3, details)) {
    const worker = SegmentScanResult.parse(batch);
    members += worker.members;
    customers += worker.customers;
    files.push(...worker.files);
  }
  const rows: MemberRow[] = [];
  if (action === 'export')
    for (const file of files.sort())
      for (const line of (await readObjectText(s3, Bucket, file)).split('\n'))
        if (line.trim() !== '') rows.push(MemberLine.parse(JSON.parse(line)));
  rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { ok: true, members, customers, rows };
}
