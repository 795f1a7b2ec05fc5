import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import { CATALOG_MAX_AGE_MS } from '../../functions/core/runtime/journey-catalog.ts';
import { welcomeJourney } from '../contracts/journey-registry.contract.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { journeyFromYaml } from '../support/journeys.ts';
import { useLocalAwsEnvironment } from '../support/local-aws-environment.ts';
import { deployedEnvironment, memoryIo } from './support.ts';

const CART_DRAFT = journeyFromYaml(`
id: cart
name: Cart
status: draft
trigger: { event: { detail-type: [Product Added] } }
steps:
  - { id: remind, type: send, channel: email, template: cart }
`);

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
useLocalAwsEnvironment(() => dynamo.endpoint, { AWS_REGION: 'local' });

/** A deployed environment: its table cairn-<env>, where a function bundling `journeys` has started. */
const environment = (...journeys: Journey[]) => deployedEnvironment(dynamo, ...journeys);

async function cairn(...args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(['journeys', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cairn journeys on a deployed table (dynalite through AWS_ENDPOINT_URL_DYNAMODB)', () => {
  it('lists the journeys the functions registered, with the status that runs, the file and the override', async () => {
    // Prepare
    const { env } = await environment(welcomeJourney(), CART_DRAFT);
    await cairn('pause', 'welcome', '--env', env);

    // Act
    const listed = await cairn('list', '--env', env);

    // Assess
    expect(listed.code).toBe(0);
    const rows = listed.out.split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows[1]).toEqual([
      'journey',
      'runs',
      'file',
      'override',
      'since',
      'deployed',
      'version',
      'versions',
    ]);
    expect(rows[2]?.slice(0, 4)).toEqual(['cart', 'draft', 'draft', '-']);
    expect(rows[3]?.slice(0, 4)).toEqual(['welcome', 'paused', 'active', 'paused']);
  });

  it('pauses a journey, audited, and a running function honours it once its catalog is a minute old', async () => {
    // Prepare
    const { env, registry, clock, refresher } = await environment(welcomeJourney());

    // Act
    const paused = await cairn('pause', 'welcome', '--env', env, '--reason', 'wrong coupon', '--by', 'ana');
    await refresher.refreshIfStale();
    const statusBefore = refresher.current().latestOf('welcome')?.journey.status;
    clock.now += CATALOG_MAX_AGE_MS;
    await refresher.refreshIfStale();
    const history = await cairn('history', 'welcome', '--env', env);

    // Assess
    expect(paused).toMatchObject({ code: 0, err: '' });
    expect(paused.out).toMatch(
      /^welcome: paused \(was active\), by ana at .*; the functions honour it within a minute\.$/,
    );
    expect([statusBefore, refresher.current().latestOf('welcome')?.journey.status]).toEqual([
      'active',
      'paused',
    ]);
    expect(await registry.history('welcome')).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'pause',
        from: 'active',
        to: 'paused',
        by: 'ana',
        reason: 'wrong coupon',
      }),
    ]);
    expect(history.out).toMatch(/#1 +\S+ +pause +active -> paused +by ana +"wrong coupon"/);
  });

  it('records who changed it as the operating-system user when --by is not given', async () => {
    // Prepare
    const { env, registry } = await environment(welcomeJourney());

    // Act
    await cairn('archive', 'welcome', '--env', env);

    // Assess
    expect((await registry.history('welcome'))[0]?.by).toBe(userInfo().username);
  });

  it('changes nothing when asked for the status that holds, and refuses anything after archive', async () => {
    // Prepare
    const { env, registry } = await environment(welcomeJourney());
    await cairn('pause', 'welcome', '--env', env);

    // Act
    const again = await cairn('pause', 'welcome', '--env', env);
    const archived = await cairn('archive', 'welcome', '--env', env);
    const resumed = await cairn('resume', 'welcome', '--env', env);

    // Assess
    expect(again).toMatchObject({ code: 0, out: 'welcome: already paused; nothing changed.' });
    expect(archived.code).toBe(0);
    expect(resumed.code).toBe(1);
    expect(resumed.err).toContain(
      'cannot resume welcome: archived is final: ship the journey under a new id',
    );
    expect((await registry.history('welcome')).map((r) => r.action)).toEqual(['pause', 'archive']);
  });

  it('says when a resumed journey still does not run because of its file', async () => {
    // Prepare
    const { env } = await environment(CART_DRAFT);
    await cairn('pause', 'cart', '--env', env);

    // Act
    const resumed = await cairn('resume', 'cart', '--env', env);

    // Assess
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(
      'cart still runs as draft: its file says so. Change the file and deploy to run it.',
    );
  });

  it('names the known journeys when the id is unknown, and writes nothing', async () => {
    // Prepare
    const { env, registry } = await environment(welcomeJourney(), CART_DRAFT);

    // Act
    const result = await cairn('pause', 'welcom', '--env', env);

    // Assess
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toBe(`cairn journeys: unknown journey "welcom" in cairn-${env}; known: cart, welcome`);
    expect(await registry.history('welcom')).toEqual([]);
  });

  it('uses --table over cairn-<env>', async () => {
    // Prepare
    const { tableName } = await environment(welcomeJourney());

    // Act
    const result = await cairn('list', '--env', 'nowhere', '--table', tableName);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Journeys in ${tableName}:`);
  });
});

describe('cairn journeys: errors that say how to fix them', () => {
  it('names the table it did not find, and --table', async () => {
    // Act
    const result = await cairn('list', '--env', 'missing');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain('table cairn-missing not found');
    expect(result.err).toContain('pass --table');
  });

  it('says how to provide credentials when there are none', async () => {
    // Prepare
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    // Act
    const result = await cairn('list', '--env', 'prod');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain('no AWS credentials found: set AWS_PROFILE');
  });

  it('says how to give a region when there is none', async () => {
    // Prepare
    delete process.env.AWS_REGION;

    // Act
    const result = await cairn('list', '--env', 'prod');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toBe('cairn journeys: no AWS region: pass --region or set AWS_REGION');
  });

  it('rejects bad usage with exit code 2', async () => {
    // Act
    const results = await Promise.all([
      cairn('pause', '--env', 'prod'),
      cairn('list'),
      cairn('launch', 'welcome', '--env', 'prod'),
      cairn('list', 'welcome', '--env', 'prod'),
      cairn('list', '--env', 'Prod!'),
    ]);

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
  });
});

describe('cairn journeys in its own process', () => {
  it('finds DynamoDB through the environment alone, as an operator runs it', async () => {
    // Prepare
    const { env } = await environment(welcomeJourney());

    // Act
    const { stdout } = await promisify(execFile)(
      'node',
      ['bin/cairn.mjs', 'journeys', 'list', '--env', env],
      {
        env: { ...process.env },
      },
    );

    // Assess
    expect(stdout).toContain(`Journeys in cairn-${env}:`);
    expect(stdout).toMatch(/welcome +active +active +-/);
  });
});
