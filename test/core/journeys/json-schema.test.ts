import { readdir, readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { journeyJsonSchema } from '../../../functions/core/journeys/json-schema.ts';

const SCHEMA_HEADER = '# yaml-language-server: $schema=./schema.json';

async function sampleJourneys(): Promise<{ name: string; text: string }[]> {
  const names = (await readdir('journeys')).filter(
    (n) => n.endsWith('.yaml') && !['lifecycle.yaml', 'policies.yaml'].includes(n),
  );
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(`journeys/${name}`, 'utf8') })));
}

function compileCommittedSchema(text: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(text));
}

describe('journeys/schema.json', () => {
  it('is the schema generated from the zod journey schema (run "npm run schema" when this fails)', async () => {
    // Act
    const committed = await readFile('journeys/schema.json', 'utf8');

    // Assess
    expect(committed).toBe(journeyJsonSchema());
  });

  it('is referenced by every sample journey, so editors with the YAML language server check them', async () => {
    const samples = await sampleJourneys();

    expect(samples.length).toBeGreaterThanOrEqual(5);
    for (const sample of samples) expect(sample.text.split('\n')[0], sample.name).toBe(SCHEMA_HEADER);
  });

  it('accepts every sample journey', async () => {
    // Prepare
    const validate = compileCommittedSchema(await readFile('journeys/schema.json', 'utf8'));

    // Act + Assess
    for (const sample of await sampleJourneys()) {
      expect(validate(parse(sample.text)), `${sample.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('flags a typo in a sample journey the way an editor would', async () => {
    // Prepare: the cart-abandonment sample with "template" misspelt in one step
    const validate = compileCommittedSchema(await readFile('journeys/schema.json', 'utf8'));
    const text = (await readFile('journeys/cart-abandonment.yaml', 'utf8')).replace('template:', 'tempalte:');

    // Act
    const valid = validate(parse(text));

    // Assess
    expect(valid).toBe(false);
    const messages = (validate.errors ?? []).map(
      (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
    expect(messages).toContainEqual(expect.stringContaining('"additionalProperty":"tempalte"'));
  });

  it('offers the step types and channels for autocompletion', () => {
    const schema = journeyJsonSchema();

    for (const word of [
      '"send"',
      '"wait"',
      '"branch"',
      '"split"',
      '"holdout"',
      '"update-profile"',
      '"emit-event"',
      '"exit"',
      '"push"',
      '"sms"',
    ]) {
      expect(schema).toContain(word);
    }
  });

  it('accepts each form of a wait step and refuses a wait with the fields of no form, as an editor would', async () => {
    // Prepare
    const validate = compileCommittedSchema(await readFile('journeys/schema.json', 'utf8'));
    const withWait = (fields: Record<string, unknown>) => ({
      id: 'j',
      name: 'J',
      trigger: { event: { 'detail-type': ['X'] } },
      steps: [{ id: 'w', type: 'wait', ...fields }],
    });
    const event = { pattern: { 'detail-type': ['Order Completed'] } };

    // Act
    const forms = [
      { duration: 'P1D' },
      { until: { time: '09:00' } },
      { event, timeout: 'P1D', onTimeout: 'w' },
    ];
    const noForms = [
      {},
      { duration: 'P1D', until: { time: '09:00' } },
      { event },
      { duration: 'P1D', timeout: 'P1D' },
      { until: { time: '09:00' }, onTimeout: 'w' },
    ];

    // Assess
    for (const fields of forms) expect(validate(withWait(fields)), JSON.stringify(fields)).toBe(true);
    for (const fields of noForms) expect(validate(withWait(fields)), JSON.stringify(fields)).toBe(false);
  });
});
