/**
 * `cairn import profiles s3://... --env ENV`: starts the environment's import state machine on an object of its
 * import bucket and follows the run until it ends, then sums up its batches' results (bad rows with their row,
 * line and field). The work is done in the account (infra/lib/profile-import.ts); this only starts and watches.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import type { ImportBatchSummary, ImportRequest } from '../../core/import/profiles/batch.ts';
import type { ColumnMap, ProfileFormat } from '../../core/import/profiles/index.ts';
import type { CliIo } from '../io.ts';
import {
  explainAwsError,
  findStateMachine,
  followRun,
  MapOutput,
  mapBatchOutputs,
} from '../state-machine-run.ts';

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
  return options.stateMachine ?? (await findStateMachine(sfn, `cairn-${options.env}-import-profiles`));
}

/** What an AWS error means here, in one line, with how to fix it. */
function explain(error: unknown): string {
  return explainAwsError(error, (name) =>
    name === 'NotFound' || name === 'NoSuchKey'
      ? 'the object does not exist (check the bucket and key)'
      : undefined,
  );
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

/** Follows the run until it ends, printing the rows done as they change, then sums up its batches. */
async function follow(executionArn: string, io: CliIo, clients: AwsImportClients): Promise<number> {
  const output = await followRun(executionArn, {
    ...clients,
    io,
    command: NAME,
    progress: (counts) =>
      `rows: ${counts.succeeded ?? 0} done, ${counts.failed ?? 0} in failed batches, ${counts.total ?? 0} read so far`,
  });
  if (output === undefined) return 1;
  io.stderr(await summarize(output, clients.s3));
  return 0;
}

const BatchSummary = z.object({
  rows: z.number(),
  imported: z.number(),
  skipped: z.record(z.string(), z.number()),
  examples: z.array(
    z.object({ row: z.number(), line: z.number(), kind: z.string(), field: z.string(), reason: z.string() }),
  ),
});

/** The run's batches summed up from the files its ResultWriter wrote. */
async function summarize(output: string, s3: S3Client): Promise<string> {
  const details = MapOutput.safeParse(JSON.parse(output));
  if (!details.success) return `${NAME}: the run succeeded (it wrote no results to sum up)`;
  const { Bucket, Key } = details.data.ResultWriterDetails;
  const total: ImportBatchSummary = { rows: 0, imported: 0, skipped: {}, examples: [] };
  const skipped = new Map<string, number>();
  const examples: z.infer<typeof BatchSummary>['examples'] = [];
  for (const output of await mapBatchOutputs(s3, { Bucket, Key })) {
    const batch = BatchSummary.parse(output);
    total.rows += batch.rows;
    total.imported += batch.imported;
    for (const [kind, count] of Object.entries(batch.skipped))
      skipped.set(kind, (skipped.get(kind) ?? 0) + count);
    examples.push(...batch.examples);
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
