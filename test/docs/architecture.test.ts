import { access, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Step } from '../../functions/core/journeys/schema.ts';
import { Channel } from '../../functions/core/journeys/schema-parts.ts';

const DOC = 'docs/architecture.md';

/** An option of the step union in JSON Schema: a step, or the union of a kind's forms (a wait's). */
type StepOption = { properties?: { type: { const: string } }; oneOf?: StepOption[]; anyOf?: StepOption[] };
const StepOption: z.ZodType<StepOption> = z.lazy(() =>
  z.object({
    properties: z.object({ type: z.object({ const: z.string() }) }).optional(),
    oneOf: z.array(StepOption).optional(),
    anyOf: z.array(StepOption).optional(),
  }),
);
const typesOf = (option: StepOption): string[] => [
  ...(option.properties ? [option.properties.type.const] : []),
  ...[...(option.oneOf ?? []), ...(option.anyOf ?? [])].flatMap(typesOf),
];

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Every `path/with/slashes.ts` (or .md) the page names in backquotes. */
async function namedPaths(): Promise<string[]> {
  const text = await readFile(DOC, 'utf8');
  return [...new Set([...text.matchAll(/`([\w./-]+\/[\w.-]+\.(?:ts|md))`/g)].map((m) => m[1] ?? ''))];
}

describe('docs/architecture.md', () => {
  it('names only files that exist (from the repository root, or under functions/ or functions/core/)', async () => {
    // Prepare
    const paths = await namedPaths();

    // Act
    const missing: string[] = [];
    for (const path of paths)
      if (
        !(await exists(path)) &&
        !(await exists(`functions/${path}`)) &&
        !(await exists(`functions/core/${path}`))
      )
        missing.push(path);

    // Assess
    expect(paths.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('has a module in functions/core/steps/ for every step type of the journey schema', async () => {
    // Prepare
    // From the generated JSON Schema of the step union: a kind written in several forms has one option each.
    const types = [
      ...new Set(typesOf(StepOption.parse(z.toJSONSchema(Step, { target: 'draft-7', io: 'input' })))),
    ];

    // Act
    const missing: string[] = [];
    for (const type of types) if (!(await exists(`functions/core/steps/${type}.ts`))) missing.push(type);

    // Assess
    expect(types.length).toBeGreaterThanOrEqual(8);
    expect(missing).toEqual([]);
  });

  it('names every channel of the journey language in its section on channels', async () => {
    // Prepare
    const text = await readFile(DOC, 'utf8');
    const section = text.slice(text.indexOf('## A channel'), text.indexOf('## A policy'));

    // Act
    const unnamed = Channel.options.filter((channel) => !section.includes(`\`${channel}\``));

    // Assess
    expect(unnamed).toEqual([]);
  });
});
