import { readdir, readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { segmentJsonSchema } from '../../../functions/core/segments/json-schema.ts';

describe('journeys/segments/schema.json', () => {
  it('is the schema generated from the zod segment schema (run "npm run schema" when this fails)', async () => {
    // Act
    const committed = await readFile('journeys/segments/schema.json', 'utf8');

    // Assess
    expect(committed).toBe(segmentJsonSchema());
  });

  it('accepts every sample segment, which each point at it for editors', async () => {
    // Prepare
    const names = (await readdir('journeys/segments')).filter((n) => n.endsWith('.yaml'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(await readFile('journeys/segments/schema.json', 'utf8')),
    );

    // Act
    const texts = await Promise.all(names.map((n) => readFile(`journeys/segments/${n}`, 'utf8')));

    // Assess
    expect(names.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text.startsWith('# yaml-language-server: $schema=./schema.json')).toBe(true);
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});
