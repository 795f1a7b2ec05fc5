import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isRecord } from '../../core/collections/is-record.ts';
import { Journey, JourneyStatus } from '../../core/journeys/schema.ts';
import {
  OverrideStatus,
  StatusAction,
  StatusAuditRecord,
  type StatusOverride,
} from '../../core/journeys/status-overrides.ts';
import {
  DeployedJourney,
  type JourneyRegistry,
  type RegistryContents,
  type StoredJourneyVersion,
} from '../../core/ports/journey-registry.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';

/**
 * Keys (docs/data-model.md, "Journey versions and statuses"). What the functions read shares one partition,
 * so one Query reads it all; the audit trail grows with every change and is read only by people, so each
 * journey's trail has a partition of its own, outside that Query. Journey ids hold no `#` (the schema allows
 * lower-case letters, digits and dashes), so the keys split back unambiguously.
 */
export const JOURNEYS_PARTITION = 'JOURNEYS';
export const journeyKeys = {
  version: (journeyId: string, version: string) => ({
    [PARTITION_KEY]: JOURNEYS_PARTITION,
    [SORT_KEY]: `VERSION#${journeyId}#${version}`,
  }),
  override: (journeyId: string) => ({
    [PARTITION_KEY]: JOURNEYS_PARTITION,
    [SORT_KEY]: `STATUS#${journeyId}`,
  }),
  deployed: (journeyId: string) => ({
    [PARTITION_KEY]: JOURNEYS_PARTITION,
    [SORT_KEY]: `DEPLOYED#${journeyId}`,
  }),
  auditPartition: (journeyId: string) => `JOURNEY#${journeyId}`,
  /** Fixed width, so that the records of a journey sort by sequence. */
  audit: (journeyId: string, seq: number) => ({
    [PARTITION_KEY]: `JOURNEY#${journeyId}`,
    [SORT_KEY]: `AUDIT#${String(seq).padStart(10, '0')}`,
  }),
} as const;

/** Short attribute names: DynamoDB bills every name in every item, on every read and write. */
const A = {
  journey: 'j',
  at: 'at',
  status: 'st',
  seq: 'n',
  version: 'ver',
  action: 'act',
  from: 'from',
  to: 'to',
  by: 'by',
  reason: 'why',
} as const;

/**
 * A version is stored as a format byte, the SHA-256 of the journey's JSON (without its status, which is not
 * part of the version), then that JSON compressed with raw deflate: the sample journeys' items take 404 to 828
 * bytes so, 563 to 1,566 as JSON, which keeps every item within one write unit (docs/data-model.md).
 *
 * Format 2 adds the digest, so that a function's catalog refresh takes a version Cairn wrote as it is, without
 * parsing it with the journey language's schemas (which its cold start would then build): what is written is
 * zod's output of the journey (the compiled configuration's, validated at synth, or the CLI's), and the digest
 * shows it unchanged. A version of format 1, or one whose JSON does not match its digest (edited by hand,
 * truncated), is parsed with `Journey` as before. The digest tells corruption and hand edits apart, not an
 * attacker: whoever may write the table may write any journey. Raise the format when `Journey`'s output
 * changes shape, so that versions an older Cairn wrote go through zod (test/adapters/dynamodb/journey-registry
 * pins journeys/schema.json for this format).
 */
export const JOURNEY_FORMAT = 2;
const UNDIGESTED_FORMAT = 1;
const DIGEST_BYTES = 32;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function encodeJourney(journey: Journey): Uint8Array {
  const { status: _status, ...content } = journey;
  const text = JSON.stringify(content);
  const body = deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 });
  return Buffer.concat([Buffer.from([JOURNEY_FORMAT]), sha256(text), body]);
}

/**
 * The stored journey: taken as written when its digest matches, else validated by `Journey`; its status reads
 * as the schema's default, `draft` (the file's governs).
 */
export function decodeJourney(bytes: Uint8Array): Journey {
  const format = bytes[0];
  if (format === UNDIGESTED_FORMAT) return Journey.parse(JSON.parse(inflated(bytes.subarray(1))));
  if (format !== JOURNEY_FORMAT) throw new Error(`unknown journey format ${String(format)}`);
  const digest = bytes.subarray(1, 1 + DIGEST_BYTES);
  const text = inflated(bytes.subarray(1 + DIGEST_BYTES));
  const value: unknown = JSON.parse(text);
  const content = { ...(isRecord(value) ? value : {}), status: 'draft' };
  return isTheEncodersOutput(content, text, digest) ? content : Journey.parse(value);
}

function inflated(body: Uint8Array): string {
  return inflateRawSync(body).toString('utf8');
}

/**
 * `encodeJourney`'s output, unchanged: the JSON has the digest written beside it. It encoded a `Journey` as
 * zod gives it (without its status, which `content` has back), so `content` is one.
 */
function isTheEncodersOutput(content: object, text: string, digest: Uint8Array): content is Journey {
  return sha256(text).equals(digest);
}

export function versionItem(stored: StoredJourneyVersion) {
  return {
    ...journeyKeys.version(stored.journeyId, stored.version),
    [A.journey]: encodeJourney(stored.journey),
    [A.at]: stored.registeredAt,
  };
}

export function overrideItem(override: StatusOverride) {
  return {
    ...journeyKeys.override(override.journeyId),
    [A.status]: override.status,
    [A.seq]: override.seq,
    [A.at]: override.at,
  };
}

export function deployedItem(deployed: DeployedJourney) {
  return {
    ...journeyKeys.deployed(deployed.journeyId),
    [A.version]: deployed.version,
    [A.status]: deployed.status,
    [A.at]: deployed.at,
  };
}

export function auditItem(record: StatusAuditRecord) {
  return {
    ...journeyKeys.audit(record.journeyId, record.seq),
    [A.action]: record.action,
    [A.from]: record.from,
    [A.to]: record.to,
    [A.by]: record.by,
    [A.at]: record.at,
    ...(record.reason === undefined ? {} : { [A.reason]: record.reason }),
  };
}

const Keyed = z.lazy(() => z.object({ [PARTITION_KEY]: z.string(), [SORT_KEY]: z.string() }));
const VersionItem = z.lazy(() => z.object({ [A.journey]: z.instanceof(Uint8Array), [A.at]: z.number() }));
const OverrideItem = z.lazy(() =>
  z.object({
    [A.status]: OverrideStatus,
    [A.seq]: z.number().int().positive(),
    [A.at]: z.number(),
  }),
);
const DeployedItem = z.lazy(() =>
  z.object({ [A.version]: z.string(), [A.status]: JourneyStatus, [A.at]: z.number() }),
);
const AuditItem = z.lazy(() =>
  z.object({
    [A.action]: StatusAction,
    [A.from]: OverrideStatus,
    [A.to]: OverrideStatus,
    [A.by]: z.string(),
    [A.at]: z.number(),
    [A.reason]: z.string().optional(),
  }),
);

function auditRecordOf(journeyId: string, sk: string, item: unknown): StatusAuditRecord {
  const parsed = AuditItem.parse(item);
  return StatusAuditRecord.parse({
    journeyId,
    seq: Number(sk.slice('AUDIT#'.length)),
    action: parsed[A.action],
    from: parsed[A.from],
    to: parsed[A.to],
    by: parsed[A.by],
    at: parsed[A.at],
    ...(parsed[A.reason] === undefined ? {} : { reason: parsed[A.reason] }),
  });
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export type DynamoJourneyRegistryOptions = { client: DynamoDBDocumentClient; tableName: string };

/**
 * The journey registry in the one table. The functions' `load` is one Query of the `JOURNEYS` partition
 * (more pages only past 1 MB), eventually consistent: a status is honoured within a minute anyway, and it
 * costs half a strongly consistent one. A person's change reads strongly consistently and writes on
 * conditions (see the port).
 */
export class DynamoJourneyRegistry implements JourneyRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoJourneyRegistryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async load(): Promise<RegistryContents> {
    const contents: RegistryContents = { versions: [], overrides: [], deployed: [], problems: [] };
    for (const item of await this.query(JOURNEYS_PARTITION, false)) {
      const sk = Keyed.parse(item)[SORT_KEY];
      const [kind = '', journeyId = '', version = ''] = sk.split('#');
      try {
        if (kind === 'VERSION') {
          const parsed = VersionItem.parse(item);
          const journey = decodeJourney(parsed[A.journey]);
          contents.versions.push({ journeyId, version, journey, registeredAt: parsed[A.at] });
        } else if (kind === 'STATUS') {
          const parsed = OverrideItem.parse(item);
          contents.overrides.push({
            journeyId,
            status: parsed[A.status],
            seq: parsed[A.seq],
            at: parsed[A.at],
          });
        } else if (kind === 'DEPLOYED') {
          const parsed = DeployedItem.parse(item);
          contents.deployed.push(
            DeployedJourney.parse({
              journeyId,
              version: parsed[A.version],
              status: parsed[A.status],
              at: parsed[A.at],
            }),
          );
        } else {
          contents.problems.push(`${sk}: not an item this version of Cairn knows; skipped`);
        }
      } catch (error) {
        contents.problems.push(`${sk}: ${errorText(error)}; skipped`);
      }
    }
    return contents;
  }

  async register(version: StoredJourneyVersion): Promise<boolean> {
    return this.putIfAbsent(versionItem(version));
  }

  async recordDeployed(deployed: DeployedJourney): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: deployedItem(deployed),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async overrideOf(journeyId: string): Promise<StatusOverride | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: journeyKeys.override(journeyId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const parsed = OverrideItem.parse(Item);
    return { journeyId, status: parsed[A.status], seq: parsed[A.seq], at: parsed[A.at] };
  }

  async appendAudit(record: StatusAuditRecord): Promise<boolean> {
    return this.putIfAbsent(auditItem(record));
  }

  async auditRecord(journeyId: string, seq: number): Promise<StatusAuditRecord | undefined> {
    const key = journeyKeys.audit(journeyId, seq);
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? auditRecordOf(journeyId, key[SORT_KEY], Item) : undefined;
  }

  async applyOverride(override: StatusOverride, expectedSeq: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: overrideItem(override),
          ReturnConsumedCapacity: 'TOTAL',
          ...(expectedSeq === 0
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY },
              }
            : {
                ConditionExpression: '#n = :expected',
                ExpressionAttributeNames: { '#n': A.seq },
                ExpressionAttributeValues: { ':expected': expectedSeq },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async history(journeyId: string): Promise<StatusAuditRecord[]> {
    const items = await this.query(journeyKeys.auditPartition(journeyId), true);
    return items.map((item) => auditRecordOf(journeyId, Keyed.parse(item)[SORT_KEY], item));
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ReturnConsumedCapacity: 'TOTAL',
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every item of a partition, in sort-key order, page after page. */
  private async query(partition: string, consistent: boolean): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          ExpressionAttributeValues: { ':pk': partition },
          ConsistentRead: consistent,
          ReturnConsumedCapacity: 'TOTAL',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
