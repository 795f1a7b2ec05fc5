import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { PathSegment } from '../../../functions/core/diagnostics/problem.ts';
import { checkJourney } from '../../../functions/core/journeys/checks.ts';
import { Step, type StepType } from '../../../functions/core/journeys/schema.ts';
import { describeStep, drawStep, STEP_KINDS, STEP_TABLE } from '../../../functions/core/steps/index.ts';
import { WaitStep } from '../../../functions/core/steps/wait.ts';

/**
 * Keeps the step table whole: one module per step kind in functions/core/steps/, each in the table under its
 * own type, each providing every piece; the journey schema's union and the generated JSON Schema list exactly
 * the table's kinds; and the validator takes each kind's edges from its module.
 */

const STEPS_DIR = 'functions/core/steps';
/** The files of the folder that are not step kinds: the table and the definition of a kind. */
const NOT_KINDS = ['index.ts', 'kind.ts'];

/**
 * A valid step of every kind, and the paths of the step ids it goes to. `satisfies` makes a kind without a
 * sample a compile error, so a new kind cannot skip these tests.
 */
const SAMPLES = {
  send: {
    step: { id: 'me', type: 'send', channel: 'email', template: 'welcome', next: 'one' },
    edges: [['next']],
  },
  wait: {
    step: {
      id: 'me',
      type: 'wait',
      event: { pattern: { 'detail-type': ['Order Completed'] } },
      timeout: 'P1D',
      next: 'one',
      onTimeout: 'two',
    },
    edges: [['next'], ['onTimeout']],
  },
  branch: {
    step: {
      id: 'me',
      type: 'branch',
      branches: [{ when: { stages: ['vip'] }, next: 'one' }],
      default: 'two',
    },
    edges: [['default'], ['branches', 0, 'next']],
  },
  split: {
    step: {
      id: 'me',
      type: 'split',
      variants: [
        { name: 'a', percent: 50, next: 'one' },
        { name: 'b', percent: 50, next: 'two' },
      ],
    },
    edges: [
      ['variants', 0, 'next'],
      ['variants', 1, 'next'],
    ],
  },
  holdout: { step: { id: 'me', type: 'holdout', percent: 10, next: 'one' }, edges: [['next']] },
  'update-profile': {
    step: { id: 'me', type: 'update-profile', set: { welcomed: true }, next: 'one' },
    edges: [['next']],
  },
  'emit-event': {
    step: { id: 'me', type: 'emit-event', detailType: 'Welcomed', next: 'one' },
    edges: [['next']],
  },
  call: {
    step: {
      id: 'me',
      type: 'call',
      http: { url: 'https://crm.example.com/hook' },
      next: 'one',
      onFailure: 'two',
    },
    edges: [['next'], ['onFailure']],
  },
  exit: { step: { id: 'me', type: 'exit', reason: 'done' }, edges: [] },
} satisfies {
  [T in StepType]: { step: { id: string; type: T; [field: string]: unknown }; edges: PathSegment[][] };
};

/** A step schema in JSON Schema: its `type` is a constant. */
const JsonStep = z.object({ properties: z.object({ type: z.object({ const: z.string() }) }) });

/** A step kind's schema in JSON Schema: one object, or the union of the kind's forms (a wait's). */
const JsonStepKind = z.union([
  JsonStep.transform((step) => [step]),
  z.object({ anyOf: z.array(JsonStep).min(2) }).transform((u) => u.anyOf),
]);

/** The constant `type` of a step schema, read from its JSON Schema as an editor sees it. */
function typeConstant(schema: z.ZodType): string {
  const forms = JsonStepKind.parse(z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }));
  const types = [...new Set(forms.map((form) => form.properties.type.const))];
  if (types.length !== 1) throw new Error(`the forms of one step kind have the types ${types.join(', ')}`);
  return types.join();
}

describe('the step table', () => {
  it("has exactly the step types of the journey schema's Step union, in its order", () => {
    // Prepare
    const unionTypes = Step.unwrap().options.map(typeConstant);

    // Act
    const tableTypes = Object.keys(STEP_TABLE);

    // Assess
    expect(unionTypes).toContain('send');
    expect(tableTypes).toEqual(unionTypes);
  });

  it('has exactly the step types of the generated journeys/schema.json, in its order', async () => {
    // Prepare
    const text = await readFile('journeys/schema.json', 'utf8');
    const JsonJourney = z.object({
      properties: z.object({ steps: z.object({ items: z.object({ oneOf: z.array(JsonStep) }) }) }),
    });

    // Act: the forms of a kind written in several forms (a wait's) are options of their own, side by side
    const options = JsonJourney.parse(JSON.parse(text)).properties.steps.items.oneOf;
    const types = options.map((o) => o.properties.type.const);

    // Assess
    expect(types.filter((type, i) => type !== types[i - 1])).toEqual(Object.keys(STEP_TABLE));
    expect(types.filter((type) => type === 'wait')).toHaveLength(WaitStep.unwrap().options.length);
    expect(WaitStep.unwrap().options.length).toBeGreaterThanOrEqual(4);
  });

  it(`has one module for each step kind in ${STEPS_DIR}/, named after its type, and no other`, async () => {
    // Prepare
    const files = await readdir(STEPS_DIR);

    // Act
    const modules = files.filter((f) => !NOT_KINDS.includes(f)).map((f) => f.replace(/\.ts$/, ''));

    // Assess
    expect(files).toEqual(expect.arrayContaining(NOT_KINDS));
    expect(modules.sort()).toEqual(Object.keys(STEP_TABLE).sort());
  });

  it('files each kind under its own type, with every piece', () => {
    // Prepare
    const entries = Object.entries(STEP_TABLE);

    // Act
    const incomplete = entries.flatMap(([key, kind]) => {
      const problems: string[] = [];
      if (kind.type !== key) problems.push(`${key}: its module says type "${kind.type}"`);
      if (typeConstant(kind.schema) !== key) problems.push(`${key}: its schema says another type`);
      for (const piece of ['edges', 'compile', 'execute', 'describe', 'draw'] as const)
        if (typeof kind[piece] !== 'function') problems.push(`${key}: no ${piece}`);
      if (typeof kind.waits !== 'boolean') problems.push(`${key}: no waits`);
      return problems;
    });

    // Assess
    expect(entries.length).toBeGreaterThan(0);
    expect(incomplete).toEqual([]);
  });
});

describe.each(Object.entries(SAMPLES))('the %s kind', (type, sample) => {
  const kind = STEP_KINDS.find((k) => k.type === type);

  it('accepts its sample step and describes it on one line', () => {
    // Prepare
    const parsed = Step.parse(sample.step);

    // Act
    const line = describeStep(parsed);

    // Assess
    expect(kind?.schema.safeParse(sample.step).success).toBe(true);
    expect(line).toMatch(/^\S.*\S$/);
    expect(line).not.toContain('\n');
  });

  it('gives the validator the step ids it goes to, with their paths', () => {
    // Prepare
    const edges = kind?.edges(sample.step);

    // Act: a journey of this step alone, where none of the steps it goes to exists
    const findings = checkJourney({ steps: [sample.step] }).filter((f) =>
      f.message.startsWith('unknown step'),
    );

    // Assess
    expect(edges?.map((e) => e.path)).toEqual(sample.edges);
    expect(findings.map((f) => f.path)).toEqual(sample.edges.map((path) => ['steps', 0, ...path]));
  });

  it('draws a way out to every step it goes to, and a short label', () => {
    // Prepare
    const parsed = Step.parse(sample.step);
    const targets = kind?.edges(sample.step).map((e) => e.target) ?? [];

    // Act
    const drawing = drawStep(parsed);

    // Assess
    expect(drawing.label).toMatch(/^\S.*\S$/);
    expect(drawing.label.length).toBeLessThanOrEqual(60);
    expect(drawing.ways.flatMap((w) => (w.to === undefined ? [] : [w.to])).sort()).toEqual(targets.sort());
  });
});
