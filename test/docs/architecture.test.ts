import { access, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Step } from '../../functions/core/journeys/schema.ts';
import { Channel } from '../../functions/core/journeys/schema-parts.ts';

const DOC = 'docs/architecture.md';

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
  it('names only files that exist (from the repository root, or under functions/core/)', async () => {
    // Prepare
    const paths = await namedPaths();

    // Act
    const missing: string[] = [];
    for (const path of paths)
      if (!(await exists(path)) && !(await exists(`functions/core/${path}`))) missing.push(path);

    // Assess
    expect(paths.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('has a module in functions/core/steps/ for every step type of the journey schema', async () => {
    // Prepare
    const types = Step.options.map((option) => option.shape.type.value);

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
