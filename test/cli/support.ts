import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoJourneyRegistry } from '../../functions/adapters/dynamodb/journey-registry.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import { JourneyCatalog } from '../../functions/core/engine/catalog.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import { JourneyCatalogRefresher } from '../../functions/core/runtime/journey-catalog.ts';
import type { LocalDynamo } from '../support/dynalite.ts';

/** A CliIo that records what a command prints, for asserting on it. */
export function memoryIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), readFile: (p) => readFile(p, 'utf8') },
    out,
    err,
  };
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cairn-test-'));
}

/** Waits, at most `timeoutMs`, until `lines` has one that `match` accepts (a served stack's banner line). */
export async function waitForLine(lines: string[], match: RegExp, timeoutMs = 60_000): Promise<string> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const found = lines.find((line) => match.test(line));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no line matching ${match} in ${timeoutMs} ms:\n${lines.join('\n')}`);
}

/** A PutEvents entry of a sign-up, as the sample app sends it: welcome-series enrolls the customer. */
export function signUpEntry(userId: string) {
  return {
    Source: 'com.example.shop',
    DetailType: 'Signed Up',
    Detail: JSON.stringify({
      userId,
      eventId: `${userId}-signed-up`,
      traits: { email: `${userId}@example.com`, timezone: 'Europe/London' },
    }),
  };
}

let environments = 0;

/**
 * A deployed environment on a local DynamoDB: its table `cairn-<env>`, where a function bundling `journeys` has
 * started (registered them), for the `cairn journeys` commands; its clock moves the function's refreshes.
 */
export async function deployedEnvironment(dynamo: LocalDynamo, ...journeys: Journey[]) {
  const env = `t${process.pid}-${++environments}`;
  const tableName = await dynamo.createTable(`cairn-${env}`);
  const registry = new DynamoJourneyRegistry({ client: dynamo.documents, tableName });
  const clock = { now: Date.now() };
  const refresher = new JourneyCatalogRefresher({
    bundled: new JourneyCatalog(journeys),
    registry,
    clock: () => clock.now,
  });
  await refresher.refreshIfStale();
  return { env, tableName, registry, clock, refresher };
}
