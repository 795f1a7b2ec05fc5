import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type CallAnswer, CallAnswer as CallAnswerSchema } from '../../core/calls/intent.ts';
import type { CallClaim, CallLedger } from '../../core/ports/call-ledger.ts';
import { LEDGER_TTL_MS } from './policy-store.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';

/** The key of a call's ledger item (docs/data-model.md). */
export const callLedgerKey = (callId: string) => ({
  [PARTITION_KEY]: `CALL#${callId}`,
  [SORT_KEY]: 'LEDGER',
});

/** Short attribute names, as in the send ledger. */
const A = { state: 'st', claimedAt: 'at', attempt: 'n', answeredAt: 'done', answer: 'ans' } as const;

const CallLedgerItem = z.lazy(() =>
  z.object({
    [A.state]: z.enum(['CLAIMED', 'ANSWERED']),
    [A.claimedAt]: z.number(),
    [A.attempt]: z.number().int().positive(),
    [A.answer]: CallAnswerSchema.optional(),
  }),
);

export type DynamoCallLedgerOptions = { client: DynamoDBDocumentClient; tableName: string };

/**
 * The calls ledger in the table: one item per call (`CALL#<call id>` / `LEDGER`), claimed with a PutItem that
 * requires it to be absent, answered and taken over with conditional UpdateItems, released with a conditional
 * DeleteItem; it holds the answer (the saved fields, bounded by the engine's MAX_SAVED_BYTES, or the reason)
 * and expires 90 days after its claim, as the send ledger does.
 */
export class DynamoCallLedger implements CallLedger {
  constructor(private readonly options: DynamoCallLedgerOptions) {}

  claim(callId: string, at: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          ...callLedgerKey(callId),
          [A.state]: 'CLAIMED',
          [A.claimedAt]: at,
          [A.attempt]: 1,
          [TTL_ATTRIBUTE]: Math.ceil((at + LEDGER_TTL_MS) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      }),
    );
  }

  answer(callId: string, answer: CallAnswer, at: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: callLedgerKey(callId),
        UpdateExpression: 'SET #st = :answered, #done = :at, #ans = :answer',
        ConditionExpression: '#st = :claimed',
        ExpressionAttributeNames: { '#st': A.state, '#done': A.answeredAt, '#ans': A.answer },
        ExpressionAttributeValues: {
          ':answered': 'ANSWERED',
          ':at': at,
          ':answer': answer,
          ':claimed': 'CLAIMED',
        },
      }),
    );
  }

  release(callId: string): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.options.tableName,
        Key: callLedgerKey(callId),
        ConditionExpression: '#st = :claimed',
        ExpressionAttributeNames: { '#st': A.state },
        ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
      }),
    );
  }

  async claimOf(callId: string): Promise<CallClaim | undefined> {
    const output = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: callLedgerKey(callId), ConsistentRead: true }),
    );
    if (!output.Item) return undefined;
    const item = CallLedgerItem.parse(output.Item);
    const answer = item[A.answer];
    return {
      callId,
      state: item[A.state],
      claimedAt: item[A.claimedAt],
      attempt: item[A.attempt],
      ...(answer ? { answer } : {}),
    };
  }

  reclaim(callId: string, attempt: number, at: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: callLedgerKey(callId),
        UpdateExpression: 'SET #n = :next, #at = :at',
        ConditionExpression: '#st = :claimed AND #n = :attempt',
        ExpressionAttributeNames: { '#st': A.state, '#n': A.attempt, '#at': A.claimedAt },
        ExpressionAttributeValues: {
          ':claimed': 'CLAIMED',
          ':attempt': attempt,
          ':next': attempt + 1,
          ':at': at,
        },
      }),
    );
  }

  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      if (command instanceof PutCommand) await this.options.client.send(command);
      else if (command instanceof UpdateCommand) await this.options.client.send(command);
      else await this.options.client.send(command);
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
