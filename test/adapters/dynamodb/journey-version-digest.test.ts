import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoJourneyRegistry,
  decodeJourney,
  encodeJourney,
  JOURNEY_FORMAT,
  journeyKeys,
} from '../../../functions/adapters/dynamodb/journey-registry.ts';
import { Journey } from '../../../functions/core/journeys/schema.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';
import { storedVersion, welcomeJourney } from '../../contracts/journey-registry.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

/**
 * journeys/schema.json when format 2 was made: a version format 2 holds is zod's output of this language. When
 * the language changes, raise JOURNEY_FORMAT (journey-registry.ts), so that versions an older Cairn stored are
 * parsed with zod again, and write the new digest here.
 */
const LANGUAGE_OF_FORMAT: Record<number, string> = {
  2: 'b259354a5659486aa5221d56d225517fb1a0fee8d64e68c551a0b8f1afd738ae',
};

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

/** A stored version as a format-2 writer would store `text`, but with the digest of `digestOf`. */
function storedBytes(text: string, digestOf: string): Uint8Array {
  const digest = createHash('sha256').update(digestOf).digest();
  return Buffer.concat([Buffer.from([2]), digest, deflateRawSync(Buffer.from(text, 'utf8'))]);
}

/** The welcome journey's stored JSON, as encodeJourney writes it (without its status). */
function welcomeText(): string {
  const { status: _status, ...content } = welcomeJourney();
  return JSON.stringify(content);
}

async function registryHolding(bytes: Uint8Array) {
  const tableName = await dynamo.createTable();
  const item = { ...journeyKeys.version('welcome', 'bbbb000000000000'), j: bytes, at: 1 };
  await dynamo.documents.send(new PutCommand({ TableName: tableName, Item: item }));
  return new DynamoJourneyRegistry({ client: dynamo.documents, tableName });
}

describe('a stored journey version, trusted by its digest', () => {
  it('reads every sample journey back as zod would parse it, status draft', async () => {
    // Prepare
    const { catalog } = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const journeys = [...catalog.latest()].map((c) => c.journey);

    // Act
    const read = journeys.map((journey) => decodeJourney(encodeJourney(journey)));

    // Assess
    expect(journeys.length).toBeGreaterThan(3);
    expect(read).toEqual(journeys.map(({ status: _status, ...content }) => Journey.parse(content)));
    expect(read.every((journey) => journey.status === 'draft')).toBe(true);
  });

  it('takes a version whose JSON matches its digest as written, without parsing it', () => {
    // Prepare: what no parse would give (zod drops the unknown key of a strict object by refusing it)
    const text = JSON.stringify({ ...JSON.parse(welcomeText()), unparsed: true });

    // Act
    const journey = decodeJourney(storedBytes(text, text));

    // Assess
    expect(journey).toMatchObject({ id: 'welcome', unparsed: true, status: 'draft' });
  });

  it('refuses a version changed after writing into no journey, naming the item', async () => {
    // Prepare
    const changed = welcomeText().replace('"id":"hello"', '"id":"Hello!"');
    const registry = await registryHolding(storedBytes(changed, welcomeText()));

    // Act
    const contents = await registry.load();

    // Assess
    expect(contents.versions).toEqual([]);
    expect(contents.problems).toHaveLength(1);
    expect(contents.problems[0]).toMatch(/^VERSION#welcome#bbbb000000000000: .*step id.*; skipped$/s);
  });

  it('parses a version changed after writing with zod, which applies its defaults', async () => {
    // Prepare: still a journey, without the description zod defaults to ''
    const { description: _description, ...rest } = JSON.parse(welcomeText());
    const registry = await registryHolding(storedBytes(JSON.stringify(rest), welcomeText()));

    // Act
    const contents = await registry.load();

    // Assess
    expect(contents.problems).toEqual([]);
    expect(contents.versions.map((v) => v.journey.description)).toEqual(['']);
  });

  it('parses a version of format 1 (no digest) with zod', async () => {
    // Prepare
    const { description: _description, ...rest } = JSON.parse(welcomeText());
    const body = deflateRawSync(Buffer.from(JSON.stringify(rest), 'utf8'));
    const registry = await registryHolding(Buffer.concat([Buffer.from([1]), body]));

    // Act
    const contents = await registry.load();

    // Assess
    expect(contents.problems).toEqual([]);
    expect(contents.versions.map((v) => v.journey)).toEqual([{ ...welcomeJourney(), status: 'draft' }]);
  });

  it("stores versions of the format made for today's journey language", async () => {
    // Prepare
    const schema = await readFile('journeys/schema.json');

    // Act
    const digest = createHash('sha256').update(schema).digest('hex');

    // Assess
    expect(encodeJourney(storedVersion(welcomeJourney()).journey)[0]).toBe(JOURNEY_FORMAT);
    expect(LANGUAGE_OF_FORMAT[JOURNEY_FORMAT]).toBe(digest);
  });
});
