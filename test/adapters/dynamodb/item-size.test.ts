import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize, readUnits, writeUnits } from '../../../functions/adapters/dynamodb/item-size.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('itemSize', () => {
  it('counts names, strings in UTF-8, binary, numbers, booleans, null, lists and maps', () => {
    // Prepare
    const item = {
      pk: 'USER#ana', // 2 + 8
      é: 'ü', // 2 + 2
      b: new Uint8Array(100), // 1 + 100
      n: 12345, // 1 + (1 + 3 + 0)
      t: true, // 1 + 1
      z: null, // 1 + 1
      l: [1, 'ab'], // 1 + 3 + (1 + 2) + (1 + 2)
      m: { k: 'v' }, // 1 + 3 + (1 + 1 + 1)
      gone: undefined, // not stored
    };

    // Act
    const size = itemSize(item);

    // Assess
    expect(size).toBe(10 + 4 + 101 + 5 + 2 + 2 + 10 + 7);
  });

  it('bills what dynalite bills for a write, on items of every shape and size', async () => {
    // Prepare
    const tableName = await dynamo.createTable();
    const ascii = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789#'),
      maxLength: 40,
    });
    // DynamoDB takes magnitudes from 1e-130 to 1e126 (so no subnormal doubles), and lib-dynamodb refuses
    // numbers it cannot keep exactly (beyond Number.MAX_SAFE_INTEGER).
    const number = fc.oneof(
      fc.integer(),
      fc.integer().map((n) => n / 1000),
      fc
        .tuple(fc.boolean(), fc.double({ min: 1e-9, max: 1e15, noNaN: true }))
        .map(([negative, n]) => (negative ? -n : n)),
    );
    const itemArb = fc.record({
      pk: ascii.map((s) => `USER#${s}`),
      sk: fc.constant('STATE'),
      v: number,
      // Padding that brings the item to just under, at or just over a unit boundary, where a wrong size shows.
      size: fc.constantFrom(1023, 1024, 1025, 2047, 2048, 2049, 3072, 3073),
      l: fc.array(number, { maxLength: 20 }),
      m: fc.dictionary(ascii, fc.oneof(ascii, number, fc.boolean()), { maxKeys: 10 }),
    });

    let runs = 0;

    // Act and assess
    await fc.assert(
      fc.asyncProperty(itemArb, async ({ size, ...generated }) => {
        // A new key each run: replacing an item is billed at the larger of the old and the new item.
        const unpadded = { ...generated, pk: `${generated.pk}~${++runs}`, s: new Uint8Array(0) };
        const padding = size - itemSize(unpadded);
        fc.pre(padding >= 0);
        const item = { ...unpadded, s: new Uint8Array(padding) };
        expect(itemSize(item)).toBe(size);
        const output = await dynamo.documents.send(
          new PutCommand({ TableName: tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
        );
        expect(output.ConsumedCapacity?.CapacityUnits).toBe(writeUnits(itemSize(item)));
      }),
      { numRuns: 60 },
    );
  });

  it('counts one read unit per started 4 KB and one write unit per started 1 KB', () => {
    expect([0, 1, 4096, 4097].map(readUnits)).toEqual([1, 1, 1, 2]);
    expect([0, 1, 1024, 1025, 3000].map(writeUnits)).toEqual([1, 1, 1, 2, 3]);
  });
});
