import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAudienceRunStore } from '../../functions/adapters/dynamodb/audience-run-store.ts';
import { main } from '../../functions/cli/main.ts';
import type { AudienceRunRecord } from '../../functions/core/audience-runs/record.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { journeyFromYaml } from '../support/journeys.ts';
import { useLocalAwsEnvironment } from '../support/local-aws-environment.ts';
import { deployedEnvironment, memoryIo } from './support.ts';

const NEWSLETTER = journeyFromYaml(`
id: newsletter
name: Newsletter
status: active
trigger: { schedule: { cron: "0 9 * * MON", timezone: local, withoutTimezone: skip } }
steps:
  - { id: picks, type: send, channel: email, template: picks }
`);

const RUNS: AudienceRunRecord[] = [
  {
    journeyId: 'newsletter',
    run: '2026-11-30T09:00',
    dueAt: Date.parse('2026-11-29T19:00:00Z'),
    startedAt: Date.parse('2026-11-29T19:00:12Z'),
    completedAt: Date.parse('2026-11-29T19:03:40Z'),
    attempts: 1,
    audience: 1_204,
    entries: 1_190,
    timers: 1_150,
    skipped: { 'no-timezone': 14 },
  },
  {
    journeyId: 'newsletter',
    run: '2026-12-07T09:00',
    dueAt: Date.parse('2026-12-06T19:00:00Z'),
    startedAt: Date.parse('2026-12-06T19:00:09Z'),
    attempts: 2,
    audience: 0,
    entries: 0,
    timers: 0,
    skipped: {},
  },
];

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
useLocalAwsEnvironment(() => dynamo.endpoint, { AWS_REGION: 'local' });

/** A deployed environment where a function bundling the newsletter has started, with the runs given. */
async function environment(runs: AudienceRunRecord[]) {
  const { env, tableName } = await deployedEnvironment(dynamo, NEWSLETTER);
  const store = new DynamoAudienceRunStore({ client: dynamo.documents, tableName });
  for (const run of runs) await store.put(run);
  return env;
}

async function cairn(...args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(['journeys', ...args], io);
  return { code, out, err };
}

describe('cairn journeys runs (dynalite through AWS_ENDPOINT_URL_DYNAMODB)', () => {
  it('lists the runs of a journey, oldest first: due, started, completed, attempts, audience, entries, timers, skipped', async () => {
    // Prepare
    const env = await environment([...RUNS].reverse());

    // Act
    const { code, out, err } = await cairn('runs', 'newsletter', '--env', env);

    // Assess
    expect([code, err]).toEqual([0, []]);
    expect(out[0]).toBe(`Runs of newsletter in cairn-${env}, oldest first:`);
    expect(out.slice(1).map((line) => line.trim().split(/\s+/))).toEqual([
      ['run', 'due', 'started', 'completed', 'attempts', 'audience', 'entries', 'timers', 'skipped'],
      [
        '2026-11-30T09:00',
        '2026-11-29T19:00:00.000Z',
        '2026-11-29T19:00:12.000Z',
        '2026-11-29T19:03:40.000Z',
        '1',
        '1204',
        '1190',
        '1150',
        'no-timezone=14',
      ],
      [
        '2026-12-07T09:00',
        '2026-12-06T19:00:00.000Z',
        '2026-12-06T19:00:09.000Z',
        '-',
        '2',
        '0',
        '0',
        '0',
        '-',
      ],
    ]);
  });

  it('prints the records as JSON with --format json', async () => {
    // Prepare
    const env = await environment(RUNS);

    // Act
    const { code, out } = await cairn('runs', 'newsletter', '--env', env, '--format', 'json');

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({ journeyId: 'newsletter', runs: RUNS });
  });

  it('says when a journey has run no run yet', async () => {
    // Prepare
    const env = await environment([]);

    // Act
    const { code, out } = await cairn('runs', 'newsletter', '--env', env);

    // Assess
    expect(code).toBe(0);
    expect(out).toEqual([`No runs of newsletter recorded in cairn-${env} yet.`]);
  });

  it('refuses an unknown journey, naming the known ones, and a format it does not know', async () => {
    // Prepare
    const env = await environment(RUNS);

    // Act
    const unknown = await cairn('runs', 'newsleter', '--env', env);
    const format = await cairn('runs', 'newsletter', '--env', env, '--format', 'csv');

    // Assess
    expect(unknown).toMatchObject({
      code: 1,
      err: [`cairn journeys: unknown journey "newsleter" in cairn-${env}; known: newsletter`],
    });
    expect(format.code).toBe(2);
    expect(format.err[0]).toMatch(
      /^cairn journeys: --format is text or json, for runs only, not "csv"\n\nUsage:/,
    );
  });
});
