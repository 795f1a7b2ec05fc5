import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DependencyTree, parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

/**
 * The project's rule "no import cycles", checked with dpdm. dpdm parses with the TypeScript compiler and, without
 * its `transform` option, keeps type-only imports: a cycle of types is still a cycle between modules. Imports are
 * resolved with the project's tsconfig, so the explicit `.ts` extensions resolve as `tsc` resolves them.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(repoRoot, 'test/fixtures/import-cycles');

type ImportGraph = { files: string[]; cycles: string[][]; unresolved: string[] };

/** The import graph of the files that `globs` match under `folder`, with paths relative to `folder`. */
async function importGraph(folder: string, globs: string[]): Promise<ImportGraph> {
  const tree: DependencyTree = await parseDependencyTree(globs, {
    cwd: folder,
    context: folder,
    tsconfig: join(repoRoot, 'tsconfig.json'),
    transform: false,
    skipDynamicImports: false,
  });
  const unresolved = Object.values(tree).flatMap((dependencies) =>
    (dependencies ?? [])
      .filter((dependency) => dependency.request.startsWith('.') && dependency.id === null)
      .map((dependency) => `${dependency.issuer} imports ${dependency.request}`),
  );
  return { files: Object.keys(tree), cycles: parseCircular(tree), unresolved };
}

/** `a.ts -> b.ts -> a.ts`: the chain closed on itself, as one reads it. */
const chain = (cycle: readonly string[]) => [...cycle, cycle[0]].join(' -> ');

/** dpdm names at least one chain through each knot of files; breaking those may bring others of a knot to light. */
const report = (cycles: readonly string[][]) =>
  `import cycles (type-only imports count; break each chain):\n${cycles.map((c) => `  ${chain(c)}`).join('\n')}`;

describe('import cycles in functions/ and infra/', () => {
  it('has none', { timeout: 120_000 }, async () => {
    // Act
    const graph = await importGraph(repoRoot, ['functions/**/*.ts', 'infra/**/*.ts']);

    // Assess: every relative import resolved (an unresolved one would hide its edges), then no cycle.
    expect(graph.files.filter((file) => file.startsWith('functions/')).length).toBeGreaterThan(100);
    expect(graph.files.some((file) => file.startsWith('infra/'))).toBe(true);
    expect(graph.unresolved, 'relative imports dpdm could not resolve').toEqual([]);
    expect(graph.cycles.map(chain), report(graph.cycles)).toEqual([]);
  });
});

describe('the import-cycle check itself', () => {
  it('finds a cycle made of an import type, a value import and an export-from, with .ts extensions', async () => {
    // Act
    const graph = await importGraph(join(fixtures, 'cycle'), ['*.ts']);

    // Assess: one cycle, in import order whichever file dpdm entered it by.
    expect(graph.unresolved).toEqual([]);
    expect(graph.cycles).toHaveLength(1);
    const cycle = graph.cycles[0] ?? [];
    const start = cycle.indexOf('order.ts');
    expect([...cycle.slice(start), ...cycle.slice(0, start)]).toEqual([
      'order.ts',
      'customer.ts',
      'address.ts',
    ]);
  });

  it('finds none among the same imports without the closing edge', async () => {
    // Act
    const graph = await importGraph(join(fixtures, 'acyclic'), ['*.ts']);

    // Assess
    expect(graph.files.sort()).toEqual(['address.ts', 'customer.ts', 'order.ts']);
    expect(graph.unresolved).toEqual([]);
    expect(graph.cycles).toEqual([]);
  });

  it('reports a relative import it cannot resolve, whose edges it could not follow', async () => {
    // Act
    const graph = await importGraph(join(fixtures, 'unresolved'), ['*.ts']);

    // Assess
    expect(graph.unresolved).toEqual(['order.ts imports ./customer.ts']);
  });
});
