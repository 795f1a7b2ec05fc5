import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoCustomerStateStore,
  stateItem,
} from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { customerEvent, memoryPorts } from '../../handlers/support.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

/** Text that does not compress (SHA-256 digests in base64, seeded): the item grows by what the traits weigh. */
function incompressible(seed: number, length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++)
    text += createHash('sha256').update(`${seed}:${i}`).digest('base64');
  return text.slice(0, length);
}

/** DynamoDB counts an item as its attribute names and values; this measures the item as the store writes it. */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value instanceof Uint8Array) bytes += value.byteLength;
    else bytes += Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
  }
  return bytes;
}

describe('ingest on DynamoDB: a customer item never passes the 400 KB limit', () => {
  it('refuses the events that would grow it too far, with the reason, and never fails the record', async () => {
    // Prepare: each event brings 140 new traits of 200 incompressible characters (about 30 KB)
    const tableName = await dynamo.createTable();
    const states = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
    const ports = { ...(await memoryPorts({ states })) };
    const statuses: string[] = [];

    // Act
    for (let i = 0; i < 28; i++) {
      const traits = Object.fromEntries(
        Array.from({ length: 140 }, (_, k) => [`t${i}_${k}`, incompressible(i * 1000 + k + 1, 200)]),
      );
      const event = customerEvent('usr_1', `e${i}`, 'Product Viewed', { traits });
      statuses.push((await ingest(JSON.stringify(event), ports, `m${i}`)).status);
    }

    // Assess
    const stored = await states.load('usr_1');
    expect(stored).toBeDefined();
    if (!stored) return;
    expect(itemBytes(stateItem(stored.state, stored.version))).toBeLessThan(400 * 1024);
    expect(statuses.filter((s) => s === 'invalid').length).toBeGreaterThanOrEqual(16);
    const reasons = ports.deadLetters.letters.flatMap((l) => (l.kind === 'invalid-event' ? l.problems : []));
    expect(
      reasons.every((p) =>
        /over the limit of 358400 \(a DynamoDB item holds at most 400 KB\)/.test(p.message),
      ),
    ).toBe(true);
  }, 60_000);
});
