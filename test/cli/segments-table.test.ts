import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoCustomerStateStore } from '../../functions/adapters/dynamodb/customer-state-store.ts';
import { main } from '../../functions/cli/main.ts';
import { generateEvents } from '../../functions/core/generate/generate.ts';
import { Population } from '../../functions/core/lifecycle/population.ts';
import { loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { memoryIo, tempDir } from './support.ts';

const AT = '2026-03-01T00:00:00.000Z';
let dynamo: LocalDynamo;
let tableName: string;
let eventsFile: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await dynamo.createTable();
  // The same customers two ways: as an event file, and as the states the engine keeps in a table.
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  const events = [...generateEvents({ users: 80, days: 59, seed: 3, start: '2026-01-01' })];
  eventsFile = join(await tempDir(), 'events.ndjson');
  await writeFile(eventsFile, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const population = new Population(config.lifecycle, 'UTC', config.catalog);
  for (const event of events) population.add(event);
  const store = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
  for (const state of population.customers()) await store.save(state, undefined);
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.stop();
});

describe('cairn segments estimate|export ID --table NAME', () => {
  it.each(['frequent-buyers', 'vip'])(
    'counts and exports the states of the table as the evaluation over their events does (%s)',
    async (segment) => {
      // Prepare: the local stack's way of pointing the CLI at dynalite.
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
      const [fromTable, fromEvents, exported, expected] = [memoryIo(), memoryIo(), memoryIo(), memoryIo()];
      const table = ['--table', tableName, '--region', 'local', '--as-of', AT];

      // Act
      const codes = [
        await main(['segments', 'estimate', segment, ...table], fromTable.io),
        await main(['segments', 'estimate', segment, '--events', eventsFile, '--as-of', AT], fromEvents.io),
        await main(['segments', 'export', segment, ...table, '--format', 'jsonl'], exported.io),
        await main(['segments', 'export', segment, '--events', eventsFile, '--as-of', AT], expected.io),
      ];

      // Assess
      expect(codes).toEqual([0, 0, 0, 0]);
      expect(fromTable.out).toEqual(fromEvents.out);
      expect(fromTable.out[0]).toMatch(new RegExp(`^${segment}: [1-9][0-9]* of 80 customer`));
      const ids = (rows: string[]) => rows.slice(1).map((row) => row.split(',')[0]);
      expect(exported.out.map((line) => JSON.parse(line).userId).sort()).toEqual(ids(expected.out).sort());
    },
  );

  it('refuses two sources, and says why a table cannot be scanned', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const both = memoryIo();
    const missing = memoryIo();
    const codes = [
      await main(['segments', 'estimate', 'vip', '--table', tableName, '--events', eventsFile], both.io),
      await main(
        ['segments', 'estimate', 'vip', '--table', 'no-such-table', '--region', 'local'],
        missing.io,
      ),
    ];
    expect(codes).toEqual([2, 1]);
    expect(both.err.join('\n')).toContain('--events and --table are two sources: give one');
    expect(missing.err.join('\n')).toContain('cannot scan no-such-table');
  });
});
