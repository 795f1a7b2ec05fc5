/**
 * `cairn import profiles s3://... --env ENV`: starts the environment's import state machine on an object of its
 * import bucket and follows the run until it ends, then sums up its batches' results (bad rows with their row,
 * line and field). The work is done in the account (infra/lib/profile-import.ts); this only starts and watches.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import type { ImportBatchSummary, ImportRequest } from '../../core/import/profiles/batch.ts';
import type { ColumnMap, ProfileFormat } from '../../core/import/profiles/index.ts';
import type { CliIo } from '../io.ts';

export type AwsImportOptions = {
  url: string;
  env: string;
  region?: string | undefined;
  stateMachine?: string | undefined;
  format: ProfileFormat;
  list?: string | undefined;
  importedAt: string;
  map: ColumnMap;
};

export type AwsImportClients = { sfn: SFNClient; s3: S3Client; sleep: (ms: number) => Promise<void> };

const NAME = 'cairn import profiles';
/** How often the run is looked at while it goes. */
export const POLL_MS = 5_000;

function clientsFor(region: string | undefined): AwsImportClients {
  const config = region === undefined ? {} : { region };
  return {
    sfn: new SFNClient(config),
    s3: new S3Client(config),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** `s3://bucket/key` as its parts, or undefined. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}

/** The state machine's ARN: as given, else the one named cairn-ENV-import-profiles in this account and region. */
async function stateMachineArn(sfn: SFNClient, options: AwsImportOptions): Promise<string | undefined> {
  if (options.stateMachine !== undefined) return options.stateMachine;
  const name = `cairn-${options.env}-import-profiles`;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** What an AWS error means here, in one line, with how to fix it. */
function explain(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return 'no AWS credentials found: set AWS_PROFILE (after "aws sso login" or "aws configure"), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (/region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  if (name === 'NotFound' || name === 'NoSuchKey')
    return 'the object does not exist (check the bucket and key)';
  return `${name || 'error'}: ${message}`;
}

export async function importProfilesOnAws(
  options: AwsImportOptions,
  io: CliIo,
  clients: AwsImportClients = clientsFor(options.region),
): Promise<number> {
  const object = parseS3Url(options.url);
  if (object === undefined) {
    io.stderr(`${NAME}: expected s3://BUCKET/KEY, got ${options.url}`);
    return 2;
  }
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
    const arn = await stateMachineArn(clients.sfn, options);
    if (arn === undefined) {
      io.stderr(
        `${NAME}: no state machine cairn-${options.env}-import-profiles in this account and region: check --env and --region, or pass --state-machine ARN`,
      );
      return 1;
    }
    const input: ImportRequest = {
      ...object,
      format: options.format,
      importedAt: options.importedAt,
      ...(options.list === undefined ? {} : { list: options.list }),
      ...(Object.keys(options.map).length === 0 ? {} : { map: options.map }),
    };
    const started = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }),
    );
    const executionArn = started.executionArn ?? '';
    io.stderr(`${NAME}: started ${executionArn} on ${options.url} (${options.format})`);
    return await follow(executionArn, io, clients);
  } catch (error) {
    io.stderr(`${NAME}: ${options.url}: ${explain(error)}`);
    return 1;
  }
}

/** Polls the run, printing the rows done as they change, until it ends. */
async function follow(executionArn: string, io: CliIo, clients: AwsImportClients): Promise<number> {
  let shown = '';
  for (;;) {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const progress = await mapProgress(executionArn, clients.sfn);
    if (progress !== undefined && progress !== shown) {
      io.stderr(`  ${progress}`);
      shown = progress;
    }
    switch (execution.status) {
      case 'RUNNING':
      case 'PENDING_REDRIVE':
        await clients.sleep(POLL_MS);
        continue;
      case 'SUCCEEDED':
        io.stderr(await summarize(execution.output, clients.s3));
        return 0;
      default:
        io.stderr(
          `${NAME}: the run ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trimEnd(),
        );
        return 1;
    }
  }
}

async function mapProgress(executionArn: string, sfn: SFNClient): Promise<string | undefined> {
  const runs = await sfn.send(new ListMapRunsCommand({ executionArn }));
  const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
  if (mapRunArn === undefined) return undefined;
  const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
  const counts = run.itemCounts;
  if (counts === undefined) return undefined;
  return `rows: ${counts.succeeded ?? 0} done, ${counts.failed ?? 0} in failed batches, ${counts.total ?? 0} read so far`;
}

const MapOutput = z.object({ ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }) });
const Manifest = z.object({
  ResultFiles: z.object({ SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]) }).partial(),
});
const BatchResult = z.object({ Output: z.string() });
const BatchSummary = z.object({
  rows: z.number(),
  imported: z.number(),
  skipped: z.record(z.string(), z.number()),
  examples: z.array(
    z.object({ row: z.number(), line: z.number(), kind: z.string(), field: z.string(), reason: z.string() }),
  ),
});

async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? 'null');
}

/** The run's batches summed up from the files its ResultWriter wrote. */
async function summarize(output: string | undefined, s3: S3Client): Promise<string> {
  const details = MapOutput.safeParse(JSON.parse(output ?? 'null'));
  if (!details.success) return `${NAME}: the run succeeded (it wrote no results to sum up)`;
  const { Bucket, Key } = details.data.ResultWriterDetails;
  const manifest = Manifest.parse(await readJson(s3, Bucket, Key));
  const total: ImportBatchSummary = { rows: 0, imported: 0, skipped: {}, examples: [] };
  const skipped = new Map<string, number>();
  const examples: z.infer<typeof BatchSummary>['examples'] = [];
  for (const file of manifest.ResultFiles.SUCCEEDED ?? []) {
    for (const result of z.array(BatchResult).parse(await readJson(s3, Bucket, file.Key))) {
      const batch = BatchSummary.parse(JSON.parse(result.Output));
      total.rows += batch.rows;
      total.imported += batch.imported;
      for (const [kind, count] of Object.entries(batch.skipped))
        skipped.set(kind, (skipped.get(kind) ?? 0) + count);
      examples.push(...batch.examples);
    }
  }
  const lines = [`${NAME}: read ${total.rows} rows, imported ${total.imported}`];
  if (skipped.size === 0) lines.push('  skipped nothing');
  for (const [kind, count] of [...skipped].sort()) {
    lines.push(`  skipped ${count} rows: ${kind}`);
    for (const e of examples
      .filter((x) => x.kind === kind)
      .sort((a, b) => a.row - b.row)
      .slice(0, 5))
      lines.push(`    row ${e.row} (line ${e.line}): ${e.field}: ${e.reason}`);
  }
  lines.push(`  results: s3://${Bucket}/${Key}`);
  return lines.join('\n');
}
