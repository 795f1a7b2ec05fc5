import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAudienceRunStore } from '../../adapters/dynamodb/audience-run-store.ts';
import { DynamoJourneyRegistry } from '../../adapters/dynamodb/journey-registry.ts';
import {
  effectiveStatus,
  StatusAction,
  type StatusAuditRecord,
  type StatusChange,
} from '../../core/journeys/status-overrides.ts';
import type { JourneyRegistry, RegistryContents } from '../../core/ports/journey-registry.ts';
import { changeJourneyStatus } from '../../core/runtime/journey-status.ts';
import type { CliIo } from '../io.ts';
import { explainNetworkError } from '../network-errors.ts';
import { columns, isRunFormat, printJourneyRuns } from './journey-runs.ts';

export const journeysUsage = `Usage: cairn journeys list --env ENV [--table NAME] [--region R]
       cairn journeys history ID --env ENV [--table NAME] [--region R]
       cairn journeys runs ID --env ENV [--format text|json] [--table NAME] [--region R]
       cairn journeys pause|resume|archive ID --env ENV [--reason TEXT] [--by NAME] [--table NAME] [--region R]

Shows and changes the status of journeys in a deployed environment, without a redeploy. The functions honour
a change within a minute. Every change is audited: who, when, the status before, and why.
  list            every journey the functions registered: the status that runs, the file's, the override
  history ID      the changes made to a journey, oldest first
  runs ID         the runs of a scheduled journey or campaign, oldest first: due, started, completed, attempts,
                  audience, entries (and how many as timers), skipped by reason
  pause ID        new entries refused, in-flight enrollments held
  resume ID       lifts a pause made here; a journey whose file says paused or draft stays so
  archive ID      final: new entries refused, in-flight enrollments end; to run it again, use a new id
  --env ENV       the environment (dev, staging, prod): its table is cairn-ENV
  --table NAME    the table, when it is not cairn-ENV (the TableName output of the environment's stack)
  --region R      the AWS region; default: the AWS SDK's (AWS_REGION, or your profile's)
  --reason TEXT   why, for the audit trail
  --by NAME       who, for the audit trail; default: your operating-system user name
  --format F      runs only: text (default) or json
AWS credentials come from the AWS SDK's default chain (AWS_PROFILE, environment variables, SSO...).
Exit code: 0 done (or nothing to change), 1 refused or failed, 2 bad usage.`;

const COMMAND = 'cairn journeys';

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    // Some containers run under a uid with no passwd entry: userInfo throws there.
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What an AWS error means here, and how to fix it; undefined for an error this command does not expect. */
function explainAwsError(error: unknown, table: string): string | undefined {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ResourceNotFoundException')
    return `table ${table} not found in this account and region: check --env and --region, or pass --table with the table's name (the TableName output of the environment's stack)`;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return 'no AWS credentials found: set AWS_PROFILE (after "aws sso login" or "aws configure"), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (/region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  if (['AccessDeniedException', 'UnrecognizedClientException', 'ExpiredTokenException'].includes(name))
    return `${name}: ${message}\nthe caller needs dynamodb:Query, dynamodb:GetItem and dynamodb:PutItem on table ${table} (and its KMS key through DynamoDB), with credentials that have not expired`;
  return undefined;
}

/** Where the client sends its requests, for messages: the configured endpoint, or the Region's. */
async function endpointOf(client: DynamoDBClient): Promise<string> {
  const configured = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
  if (configured !== undefined) return configured;
  const region = await client.config.region().catch(() => undefined);
  return region ? `https://dynamodb.${region}.amazonaws.com` : 'DynamoDB (no region set)';
}

function knownIds(contents: RegistryContents): string[] {
  const ids = new Set([
    ...contents.versions.map((v) => v.journeyId),
    ...contents.deployed.map((d) => d.journeyId),
    ...contents.overrides.map((o) => o.journeyId),
  ]);
  return [...ids].sort();
}

/** What the registry holds, or undefined (after saying why) when the id is not a journey of this environment. */
async function contentsKnowing(
  registry: JourneyRegistry,
  id: string,
  table: string,
  io: CliIo,
): Promise<RegistryContents | undefined> {
  const contents = await registry.load();
  const known = knownIds(contents);
  if (known.includes(id)) return contents;
  io.stderr(
    known.length === 0
      ? `${COMMAND}: no journeys registered in ${table} yet: the functions register the journeys they bundle on their first invocation`
      : `${COMMAND}: unknown journey "${id}" in ${table}; known: ${known.join(', ')}`,
  );
  return undefined;
}

async function list(registry: JourneyRegistry, tableName: string, io: CliIo): Promise<number> {
  const contents = await registry.load();
  const ids = knownIds(contents);
  if (ids.length === 0) {
    io.stdout(
      `No journeys registered in ${tableName} yet: the functions register them on their first invocation.`,
    );
    return 0;
  }
  const rows = [['journey', 'runs', 'file', 'override', 'since', 'deployed version', 'versions']];
  for (const id of ids) {
    const deployed = contents.deployed.find((d) => d.journeyId === id);
    const override = contents.overrides.find((o) => o.journeyId === id);
    rows.push([
      id,
      deployed ? effectiveStatus(deployed.status, override?.status) : (override?.status ?? '-'),
      deployed?.status ?? '-',
      override?.status ?? '-',
      override ? iso(override.at) : '-',
      deployed?.version ?? '-',
      String(contents.versions.filter((v) => v.journeyId === id).length),
    ]);
  }
  io.stdout(`Journeys in ${tableName}:`);
  for (const line of columns(rows)) io.stdout(`  ${line}`);
  for (const problem of contents.problems) io.stderr(`${COMMAND}: ${problem}`);
  return 0;
}

function describeRecord(r: StatusAuditRecord): string[] {
  return [
    `#${r.seq}`,
    iso(r.at),
    r.action,
    `${r.from} -> ${r.to}`,
    `by ${r.by}`,
    r.reason ? `"${r.reason}"` : '',
  ];
}

async function history(registry: JourneyRegistry, id: string, tableName: string, io: CliIo): Promise<number> {
  if (!(await contentsKnowing(registry, id, tableName, io))) return 1;
  const records = await registry.history(id);
  if (records.length === 0) {
    io.stdout(`No status changes recorded for ${id} in ${tableName}: it runs with the status of its file.`);
    return 0;
  }
  io.stdout(`Status changes of ${id} in ${tableName}, oldest first:`);
  for (const line of columns(records.map(describeRecord))) io.stdout(`  ${line}`);
  return 0;
}

async function change(
  registry: JourneyRegistry,
  request: StatusChange,
  tableName: string,
  io: CliIo,
): Promise<number> {
  const id = request.journeyId;
  const contents = await contentsKnowing(registry, id, tableName, io);
  if (!contents) return 1;
  const result = await changeJourneyStatus(registry, request);
  switch (result.kind) {
    case 'changed': {
      const { record } = result;
      io.stdout(
        `${id}: ${record.to} (was ${record.from}), by ${record.by} at ${iso(record.at)} (change #${record.seq} in ${tableName}); the functions honour it within a minute.`,
      );
      const deployed = contents.deployed.find((d) => d.journeyId === id);
      if (deployed && effectiveStatus(deployed.status, record.to) !== record.to)
        io.stdout(
          `${id} still runs as ${deployed.status}: its file says so. Change the file and deploy to run it.`,
        );
      return 0;
    }
    case 'unchanged':
      io.stdout(`${id}: ${result.why}; nothing changed.`);
      return 0;
    case 'refused':
      io.stderr(`${COMMAND}: cannot ${request.action} ${id}: ${result.why}`);
      return 1;
    default: {
      const unknown: never = result;
      throw new Error(`unknown result ${JSON.stringify(unknown)}`);
    }
  }
}

export async function journeysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      reason: { type: 'string' },
      by: { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
    strict: true,
  });
  const [subcommand, id, ...extra] = positionals;
  const action = StatusAction.safeParse(subcommand);
  const wantsId = subcommand === 'history' || subcommand === 'runs' || action.success;
  const known = subcommand === 'list' || wantsId;
  if (!known || (wantsId ? id === undefined || extra.length > 0 : id !== undefined)) {
    io.stderr(
      `${COMMAND}: expected list, history ID, runs ID, pause ID, resume ID or archive ID\n\n${journeysUsage}`,
    );
    return 2;
  }
  if (!isRunFormat(values.format) || (values.format !== 'text' && subcommand !== 'runs')) {
    io.stderr(
      `${COMMAND}: --format is text or json, for runs only, not "${values.format}"\n\n${journeysUsage}`,
    );
    return 2;
  }
  if (values.env === undefined && values.table === undefined) {
    io.stderr(
      `${COMMAND}: say which environment: --env ENV (its table is cairn-ENV), or --table NAME\n\n${journeysUsage}`,
    );
    return 2;
  }
  if (values.env !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(values.env)) {
    io.stderr(
      `${COMMAND}: --env must be an environment name such as dev, staging or prod, not "${values.env}"`,
    );
    return 2;
  }
  const tableName = values.table ?? `cairn-${values.env}`;
  // The endpoint, credentials and region come from the SDK's default chain (AWS_ENDPOINT_URL_DYNAMODB too).
  const client = new DynamoDBClient(values.region ? { region: values.region } : {});
  const registry = new DynamoJourneyRegistry({ client: DynamoDBDocumentClient.from(client), tableName });
  try {
    if (subcommand === 'list') return await list(registry, tableName, io);
    if (id === undefined) return 2; // unreachable: checked above; narrows the type
    if (subcommand === 'history') return await history(registry, id, tableName, io);
    if (subcommand === 'runs') {
      if (!(await contentsKnowing(registry, id, tableName, io))) return 1;
      const runs = new DynamoAudienceRunStore({ client: DynamoDBDocumentClient.from(client), tableName });
      return await printJourneyRuns(runs, id, tableName, values.format, io);
    }
    if (!action.success) return 2;
    const request: StatusChange = {
      journeyId: id,
      action: action.data,
      by: values.by ?? operatorName(),
      at: Date.now(),
      ...(values.reason ? { reason: values.reason } : {}),
    };
    return await change(registry, request, tableName, io);
  } catch (error) {
    const explained =
      explainAwsError(error, tableName) ??
      explainNetworkError(error, 'DynamoDB', await endpointOf(client), 'AWS_ENDPOINT_URL_DYNAMODB');
    if (explained === undefined) throw error;
    io.stderr(`${COMMAND}: ${explained}`);
    return 1;
  } finally {
    client.destroy();
  }
}
