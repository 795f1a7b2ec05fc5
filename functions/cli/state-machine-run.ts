/**
 * Starting and following a Step Functions run from the CLI: what `cairn import profiles s3://... --env` and
 * `cairn segments estimate|export --env` share (finding the environment's state machine, polling the run with
 * its Distributed Map's progress, reading what the map's ResultWriter wrote, explaining AWS errors). The work
 * is done in the account; the commands only start and watch.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  ListStateMachinesCommand,
  type MapRunItemCounts,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import type { CliIo } from './io.ts';

/** How often a run is looked at while it goes. */
export const POLL_MS = 5_000;

/** The ARN of the state machine of that name in this account and region, if there is one. */
export async function findStateMachine(sfn: SFNClient, name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

export type FollowRun = {
  sfn: SFNClient;
  sleep: (ms: number) => Promise<void>;
  io: CliIo;
  /** The command's name, which starts its error lines. */
  command: string;
  /** The progress line of the run's Distributed Map, from its item counts. */
  progress: (counts: MapRunItemCounts) => string;
};

/** Polls the run, printing its map's progress as it changes, until it ends: its output, or undefined. */
export async function followRun(executionArn: string, follow: FollowRun): Promise<string | undefined> {
  let shown = '';
  for (;;) {
    const execution = await follow.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const progress = await mapProgress(executionArn, follow);
    if (progress !== undefined && progress !== shown) {
      follow.io.stderr(`  ${progress}`);
      shown = progress;
    }
    switch (execution.status) {
      case 'RUNNING':
      case 'PENDING_REDRIVE':
        await follow.sleep(POLL_MS);
        continue;
      case 'SUCCEEDED':
        return execution.output ?? 'null';
      default:
        follow.io.stderr(
          `${follow.command}: the run ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trimEnd(),
        );
        return undefined;
    }
  }
}

async function mapProgress(executionArn: string, follow: FollowRun): Promise<string | undefined> {
  const runs = await follow.sfn.send(new ListMapRunsCommand({ executionArn }));
  const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
  if (mapRunArn === undefined) return undefined;
  const counts = (await follow.sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
  return counts === undefined ? undefined : follow.progress(counts);
}

/** Where a Distributed Map's ResultWriter put its manifest, from the run's output. */
export const MapOutput = z.object({ ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }) });
export type ResultWriterDetails = z.infer<typeof MapOutput>['ResultWriterDetails'];
const Manifest = z.object({
  ResultFiles: z.object({ SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]) }).partial(),
});
const BatchResult = z.object({ Output: z.string() });

export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

/** The outputs of the map's succeeded batches, parsed from the result files its manifest lists. */
export async function mapBatchOutputs(
  s3: S3Client,
  { Bucket, Key }: ResultWriterDetails,
): Promise<unknown[]> {
  const manifest = Manifest.parse(JSON.parse(await readObjectText(s3, Bucket, Key)));
  const outputs: unknown[] = [];
  for (const file of manifest.ResultFiles.SUCCEEDED ?? [])
    for (const result of z.array(BatchResult).parse(JSON.parse(await readObjectText(s3, Bucket, file.Key))))
      outputs.push(JSON.parse(result.Output));
  return outputs;
}

/** What an AWS error means here, in one line, with how to fix it; `special` words a command's own cases. */
export function explainAwsError(
  error: unknown,
  special: (name: string, message: string) => string | undefined = () => undefined,
): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return 'no AWS credentials found: set AWS_PROFILE (after "aws sso login" or "aws configure"), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (/region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  return special(name, message) ?? `${name || 'error'}: ${message}`;
}
