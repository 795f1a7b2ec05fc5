// Write units by item kind for the cost bench (bench/cost.ts): which items the counted write units go to, and
// how many units each write of them takes, so that the state item's share over 1 KB is seen, not guessed.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** The raw (marshalled) request of a single-item write: the item's or the key's `sk`, and `pk`. */
const KeyOf = z.object({ pk: z.object({ S: z.string() }), sk: z.object({ S: z.string() }) });
const WriteInput = z.union([z.object({ Item: KeyOf }), z.object({ Key: KeyOf })]);
const Consumed = z.object({ ConsumedCapacity: z.object({ CapacityUnits: z.number() }).optional() });

/** Write units per write, counted per item kind: `{ STATE: { 1: 903, 2: 814 }, ... }`. */
export type WritesByKind = Record<string, Record<number, number>>;

/**
 * The kind of item a write goes to: the customer's state and seen items by their sort key, any other item by
 * its partition key's prefix (`MSG` for the send ledger, `ADDR` for suppressions...).
 */
function kindOf(pk: string, sk: string): string {
  if (pk.startsWith('USER#')) return sk;
  return pk.split('#')[0] ?? pk;
}

/**
 * Tallies the write units DynamoDB reports per single-item write of a client, by item kind. Requests that did
 * not ask for the consumed capacity are not tallied (every store of the runtime asks for it).
 */
export function tallyWrites(client: DynamoDBClient): { take(): WritesByKind } {
  let tally: WritesByKind = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!WRITES.has(operation)) return result;
      const input = WriteInput.safeParse(args.input);
      const units = Consumed.safeParse(result.output).data?.ConsumedCapacity?.CapacityUnits;
      if (!input.success || units === undefined) return result;
      const { pk, sk } = 'Item' in input.data ? input.data.Item : input.data.Key;
      const kind = kindOf(pk.S, sk.S);
      const byUnits = tally[kind] ?? {};
      byUnits[units] = (byUnits[units] ?? 0) + 1;
      tally[kind] = byUnits;
      return result;
    },
    { step: 'deserialize', priority: 'high', name: 'cairnCostBenchWriteTally' },
  );
  return {
    take() {
      const taken = tally;
      tally = {};
      return taken;
    },
  };
}

/** `STATE 2,195 writes: 1 unit 52%, 2 units 48% (1.48 units each)`, the kinds with the most units first. */
export function describeWrites(writes: WritesByKind): string[] {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return Object.entries(writes)
    .map(([kind, byUnits]) => {
      const entries = Object.entries(byUnits).map(([units, count]) => [Number(units), count] as const);
      const count = entries.reduce((sum, [, n]) => sum + n, 0);
      const units = entries.reduce((sum, [u, n]) => sum + u * n, 0);
      const shares = entries
        .sort(([a], [b]) => a - b)
        .map(([u, n]) => `${u} unit${u === 1 ? '' : 's'} ${((100 * n) / count).toFixed(0)}%`)
        .join(', ');
      return {
        units,
        text: `${kind} ${fmt(count)} writes, ${fmt(units)} units (${shares}; ${(units / count).toFixed(2)} each)`,
      };
    })
    .sort((a, b) => b.units - a.units)
    .map(({ text }) => text);
}
