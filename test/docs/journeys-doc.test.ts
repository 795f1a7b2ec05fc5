import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import type { CliIo } from '../../functions/cli/io.ts';
import { main } from '../../functions/cli/main.ts';
import { formatProblem } from '../../functions/core/diagnostics/problem.ts';
import { JourneyTestFile } from '../../functions/core/journey-tests/schema.ts';
import { loadJourneyFile } from '../../functions/core/journeys/load.ts';
import { Journey, Step } from '../../functions/core/journeys/schema.ts';

/**
 * Keeps docs/journeys.md honest: it must name every field of the journey language and every reason code of
 * the engine, its YAML examples must be valid, and the terminal output it shows must be what the CLI prints.
 */

const DOC = 'docs/journeys.md';
const EFFECTS = 'functions/core/engine/effects.ts';

type JsonSchema = { [key: string]: unknown };
type Block = { lang: string; line: number; lines: string[] };
type Section = { title: string; level: number; text: string };

// ---------------------------------------------------------------------------------------------------------
// Reading the doc

function codeBlocks(doc: string): Block[] {
  const blocks: Block[] = [];
  let open: { lang: string; line: number; indent: number; lines: string[] } | undefined;
  doc.split('\n').forEach((raw, index) => {
    const fence = /^(\s*)```(\S*)\s*$/.exec(raw);
    if (!open && fence) {
      open = { lang: fence[2] ?? '', line: index + 1, indent: fence[1]?.length ?? 0, lines: [] };
    } else if (open && fence) {
      blocks.push({ lang: open.lang, line: open.line, lines: open.lines });
      open = undefined;
    } else if (open) {
      const indent = open.indent;
      open.lines.push(raw.slice(0, indent).trim() === '' ? raw.slice(indent) : raw);
    }
  });
  return blocks;
}

/** Every heading with the text up to the next heading of the same or a higher level; code blocks included. */
function sections(doc: string): Section[] {
  const lines = doc.split('\n');
  const headings: { index: number; level: number; title: string }[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (!inFence && heading)
      headings.push({ index, level: heading[1]?.length ?? 0, title: heading[2] ?? '' });
  });
  return headings.map((h, i) => {
    const end = headings.slice(i + 1).find((later) => later.level <= h.level)?.index ?? lines.length;
    return { title: h.title, level: h.level, text: lines.slice(h.index, end).join('\n') };
  });
}

function section(doc: string, level: number, title: RegExp): Section {
  const found = sections(doc).filter((s) => s.level === level && title.test(s.title));
  if (found.length !== 1)
    throw new Error(`expected one level-${level} section matching ${title}, found ${found.length}`);
  return found[0] as Section;
}

/** The subsections of a section, by title. */
function subsections(parent: Section): Section[] {
  return sections(parent.text).filter((s) => s.level === parent.level + 1);
}

/**
 * The field names a text names in code spans: `name`, and each part of a path such as `until.time` or
 * `variants[].percent`.
 */
function namedFields(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
    if (span === undefined || !/^[\w$-]+(?:\.[\w$-]+|\[\])*$/.test(span)) continue;
    for (const part of span.split(/\.|\[\]/)) if (part) names.add(part);
  }
  return names;
}

function codeSpans(text: string): Set<string> {
  return new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''));
}

// ---------------------------------------------------------------------------------------------------------
// Reading the schemas and effects.ts

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
}

/** Every property name anywhere in a JSON Schema, however deeply nested (items, anyOf, oneOf ...). */
function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) propertyNames(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value !== null && typeof value === 'object') {
        for (const [name, child] of Object.entries(value)) {
          into.add(name);
          propertyNames(child, into);
        }
      } else if (key !== 'default' && key !== 'enum' && key !== 'const') {
        propertyNames(value, into);
      }
    }
  }
  return into;
}

/** The `type` constant of a step schema, or of each form of a step kind written in several forms (a wait). */
function typeConstants(schema: JsonSchema): unknown[] {
  const forms = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
  return forms.map(
    (form) => (form.properties as Record<string, { const?: string }> | undefined)?.type?.const,
  );
}

/** The step variants of the journey schema, by their `type` constant; a kind's forms together. */
function stepSchemas(): Map<string, JsonSchema> {
  const steps = new Map<string, JsonSchema>();
  for (const option of Step.unwrap().options) {
    const schema = jsonSchemaOf(option);
    const [type, ...others] = new Set(typeConstants(schema));
    if (typeof type !== 'string' || others.length > 0)
      throw new Error('a step schema without one constant type');
    steps.set(type, schema);
  }
  return steps;
}

function topLevelSchemas(): Map<string, JsonSchema> {
  const properties = jsonSchemaOf(Journey).properties as Record<string, JsonSchema>;
  return new Map(Object.entries(properties));
}

/**
 * The reason codes and effect types declared in effects.ts. They are TypeScript types with no runtime value,
 * so they are read from the source: the string literals of every type alias named `...Reason`, and of every
 * `reason` and `type` property in it. A template literal type such as `exit-criteria:${string}` gives its
 * fixed head, `exit-criteria:`.
 */
function effectsVocabulary(source: string): {
  reasons: Set<string>;
  prefixes: Set<string>;
  types: Set<string>;
} {
  const file = ts.createSourceFile(EFFECTS, source, ts.ScriptTarget.ES2022, true);
  const reasons = new Set<string>();
  const prefixes = new Set<string>();
  const types = new Set<string>();
  const literalsOf = (node: ts.Node, strings: Set<string>, heads: Set<string>): void => {
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) strings.add(node.literal.text);
    else if (ts.isTemplateLiteralTypeNode(node)) heads.add(node.head.text);
    else if (ts.isUnionTypeNode(node) || ts.isParenthesizedTypeNode(node))
      ts.forEachChild(node, (child) => literalsOf(child, strings, heads));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith('Reason'))
      literalsOf(node.type, reasons, prefixes);
    if (ts.isPropertySignature(node) && node.type && ts.isIdentifier(node.name)) {
      if (node.name.text === 'reason') literalsOf(node.type, reasons, prefixes);
      if (node.name.text === 'type') literalsOf(node.type, types, new Set());
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { reasons, prefixes, types };
}

// ---------------------------------------------------------------------------------------------------------
// Running the CLI like a terminal does

async function runCli(args: string[]): Promise<string[]> {
  const printed: string[] = [];
  const io: CliIo = {
    stdout: (s) => printed.push(s),
    stderr: (s) => printed.push(s),
    readFile: (path) => readFile(path, 'utf8'),
  };
  await main(args, io);
  return printed.join('\n').split('\n');
}

/** Version hashes change with every edit of a sample journey; the doc shows them, but not as a contract. */
function normalise(line: string): string {
  return line.replace(/version [0-9a-f]{16}/g, 'version <hash>').trimEnd();
}

function containsInOrder(actual: string[], segment: string[], from: number): number {
  for (let start = from; start + segment.length <= actual.length; start++) {
    if (segment.every((line, i) => actual[start + i] === line)) return start + segment.length;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------

describe('docs/journeys.md names every field of the journey language', () => {
  it('names every property of the journey schema, at any depth', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const properties = propertyNames(jsonSchemaOf(Journey));

    // Act
    const missing = [...properties].filter((name) => !namedFields(doc).has(name));

    // Assess
    expect(properties.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('lists every top-level field in "Top-level fields", and the nested ones in their own subsection', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const topLevel = section(doc, 2, /^Top-level fields$/);
    const subs = subsections(topLevel);

    // Act
    const missing: string[] = [];
    for (const [name, schema] of topLevelSchemas()) {
      if (!namedFields(topLevel.text).has(name)) missing.push(name);
      const nested = propertyNames(schema);
      // The steps have a section of their own, checked below.
      if (nested.size === 0 || name === 'steps') continue;
      const own = subs.filter((s) => s.title.startsWith(`\`${name}\``));
      if (own.length !== 1) {
        missing.push(`${name}: no subsection titled \`${name}\``);
        continue;
      }
      for (const child of nested)
        if (!namedFields((own[0] as Section).text).has(child)) missing.push(`${name}.${child}`);
    }

    // Assess
    expect(missing).toEqual([]);
  });

  it("documents every step type in its own subsection of Steps, with every one of the step's fields", async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const steps = subsections(section(doc, 2, /^Steps$/));

    // Act
    const missing: string[] = [];
    for (const [type, schema] of stepSchemas()) {
      const own = steps.filter((s) => new RegExp(`^\`${type}\`( step)?$`).test(s.title));
      if (own.length !== 1) {
        missing.push(`${type}: no subsection titled \`${type}\``);
        continue;
      }
      const named = namedFields((own[0] as Section).text);
      for (const field of propertyNames(schema)) if (!named.has(field)) missing.push(`${type}.${field}`);
    }

    // Assess
    // At least the eight types of today: the extraction found them, and a new type needs no change here.
    expect(stepSchemas().size).toBeGreaterThanOrEqual(8);
    expect(missing).toEqual([]);
  });

  it('names every field of the journey-test format in "Journey tests"', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const tests = section(doc, 2, /^Journey tests/);

    // Act
    const missing = [...propertyNames(jsonSchemaOf(JourneyTestFile))].filter(
      (name) => name !== '$schema' && !namedFields(tests.text).has(name),
    );

    // Assess
    expect(missing).toEqual([]);
  });
});

describe('docs/journeys.md names every reason code and effect of the engine', () => {
  it('lists every reason code of effects.ts in "Reason codes"', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const { reasons, prefixes } = effectsVocabulary(await readFile(EFFECTS, 'utf8'));
    const spans = [...codeSpans(section(doc, 2, /^Reason codes$/).text)];

    // Act
    const missing = [
      ...[...reasons].filter((code) => !spans.includes(code)),
      ...[...prefixes].filter((head) => !spans.some((s) => s.startsWith(head))).map((h) => `${h}...`),
    ];

    // Assess: the extraction found the codes (so an empty "missing" means something) and the doc has them all
    expect(reasons).toContain('entry-once');
    expect(reasons).toContain('journey-total-limit');
    expect(prefixes).toContain('exit-criteria:');
    expect(missing).toEqual([]);
  });

  it('lists every effect type of effects.ts in "Reason codes"', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const { types } = effectsVocabulary(await readFile(EFFECTS, 'utf8'));
    const spans = codeSpans(section(doc, 2, /^Reason codes$/).text);

    // Act
    const missing = [...types].filter((type) => !spans.has(type));

    // Assess
    expect(types).toContain('send-withheld');
    expect(missing).toEqual([]);
  });
});

describe('docs/journeys.md examples', () => {
  it('marks every YAML block as a journey, a fragment or a copy of a file', async () => {
    // Prepare
    const blocks = codeBlocks(await readFile(DOC, 'utf8')).filter((b) => b.lang === 'yaml');

    // Act
    const unmarked = blocks.filter((b) => !/^# (journey|fragment|file: \S+)$/.test(b.lines[0] ?? ''));

    // Assess
    expect(blocks.length).toBeGreaterThan(10);
    expect(unmarked.map((b) => `line ${b.line}: ${b.lines[0]}`)).toEqual([]);
  });

  it('has complete journeys ("# journey") that the journey loader accepts', async () => {
    // Prepare
    const blocks = codeBlocks(await readFile(DOC, 'utf8')).filter(
      (b) => b.lang === 'yaml' && b.lines[0] === '# journey',
    );

    // Act
    const problems = blocks.flatMap((b) =>
      loadJourneyFile({ file: `${DOC}:${b.line}`, text: b.lines.join('\n') }).problems.map(formatProblem),
    );

    // Assess
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
  });

  it('has fragments ("# fragment") that are valid YAML whose every field and step validates', async () => {
    // Prepare
    const blocks = codeBlocks(await readFile(DOC, 'utf8')).filter(
      (b) => b.lang === 'yaml' && b.lines[0] === '# fragment',
    );
    const fields = Journey.unwrap().shape as Record<string, z.ZodType>;

    // Act
    const problems: string[] = [];
    for (const block of blocks) {
      const where = `${DOC}:${block.line}`;
      const document = parseDocument(block.lines.join('\n'));
      if (document.errors.length > 0) {
        problems.push(`${where}: ${document.errors.map((e) => e.message).join('; ')}`);
        continue;
      }
      const value: unknown = document.toJS();
      if (value === null) continue; // comments only, e.g. the yaml-language-server header
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`${where}: a fragment is a mapping of journey fields`);
        continue;
      }
      for (const [key, field] of Object.entries(value)) {
        const schema = fields[key];
        if (!schema) {
          problems.push(`${where}: "${key}" is not a journey field`);
          continue;
        }
        // Steps one by one: the graph checks (next steps exist ...) need the whole journey.
        const parts: [string, z.ZodType, unknown][] =
          key === 'steps' && Array.isArray(field)
            ? field.map((step, i): [string, z.ZodType, unknown] => [`steps[${i}]`, Step, step])
            : [[key, schema, field]];
        for (const [path, partSchema, part] of parts) {
          const parsed = partSchema.safeParse(part);
          if (!parsed.success)
            problems.push(`${where} ${path}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        }
      }
    }

    // Assess
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(problems).toEqual([]);
  });

  it('has copies of files ("# file: path") that are exactly those files', async () => {
    // Prepare
    const blocks = codeBlocks(await readFile(DOC, 'utf8')).filter((b) => /^# file: /.test(b.lines[0] ?? ''));

    // Act
    const differing: string[] = [];
    for (const block of blocks) {
      const path = (block.lines[0] ?? '').slice('# file: '.length);
      const file = await readFile(path, 'utf8');
      if (block.lines.slice(1).join('\n').trimEnd() !== file.trimEnd())
        differing.push(`${DOC}:${block.line} ${path}`);
    }

    // Assess
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(differing).toEqual([]);
  });
});

describe('docs/journeys.md commands and their output', () => {
  it('shows what each "$ npx cairn ..." command really prints', async () => {
    // Prepare
    const blocks = codeBlocks(await readFile(DOC, 'utf8')).filter(
      (b) => b.lang === 'text' && (b.lines[0] ?? '').startsWith('$ npx cairn '),
    );

    // Act
    const wrong: string[] = [];
    for (const block of blocks) {
      const command = (block.lines[0] ?? '').slice('$ '.length);
      const actual = (await runCli(command.split(/\s+/).slice(2))).map(normalise);
      const shown = block.lines.slice(1).map(normalise);
      const cut = shown.includes('...');
      if (!cut) {
        const trim = (lines: string[]) => lines.join('\n').trimEnd();
        if (trim(shown) !== trim(actual)) wrong.push(`${DOC}:${block.line} ${command}:\n${trim(actual)}`);
        continue;
      }
      // With cuts: each run of shown lines between "..." appears in the output, in order.
      const segments = shown
        .join('\n')
        .split(/^\.\.\.$/m)
        .map((s) => s.split('\n').filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1)))
        .filter((s) => s.length > 0);
      let position = 0;
      for (const segment of segments) {
        position = containsInOrder(actual, segment, position);
        if (position < 0) {
          wrong.push(`${DOC}:${block.line} ${command}: not in the output:\n${segment.join('\n')}`);
          break;
        }
      }
    }

    // Assess
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(wrong).toEqual([]);
  });

  it('shows each diagram ("```mermaid" after "<!-- $ npx cairn graph ... -->") as the command prints it now', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const lines = doc.split('\n');
    const diagrams = codeBlocks(doc).filter((b) => b.lang === 'mermaid');

    // Act
    const wrong: string[] = [];
    for (const block of diagrams) {
      const command = /^<!-- \$ (npx cairn graph .*) -->$/.exec(lines[block.line - 2] ?? '')?.[1];
      if (command === undefined) {
        wrong.push(`${DOC}:${block.line} a mermaid block without its "<!-- $ npx cairn graph ... -->" line`);
        continue;
      }
      const actual = (await runCli(command.split(/\s+/).slice(2))).join('\n').trimEnd();
      if (block.lines.join('\n').trimEnd() !== actual)
        wrong.push(`${DOC}:${block.line} ${command}:\n${actual}`);
    }

    // Assess
    expect(diagrams.length).toBeGreaterThanOrEqual(3);
    expect(wrong).toEqual([]);
  });

  it('uses only cairn commands, options and npm scripts that exist', async () => {
    // Prepare
    const doc = await readFile(DOC, 'utf8');
    const scripts = Object.keys(JSON.parse(await readFile('package.json', 'utf8')).scripts as object);
    const lines = codeBlocks(doc)
      .filter((b) => b.lang === 'sh' || b.lang === 'text')
      .flatMap((b) => b.lines.map((l) => l.replace(/^\$ /, '').replace(/\s+#.*$/, '')))
      .filter((l) => /^(npx cairn|npm run) /.test(l));

    // Act
    const unknown: string[] = [];
    for (const line of lines) {
      const words = line.split(/\s+/);
      if (words[0] === 'npm') {
        if (!scripts.includes(words[2] ?? '')) unknown.push(line);
        continue;
      }
      const usage = (await runCli([words[2] ?? '', '--help'])).join('\n');
      if (!usage.startsWith(`Usage: cairn ${words[2]}`)) unknown.push(line);
      for (const option of words.filter((w) => w.startsWith('--')))
        if (!usage.includes(option)) unknown.push(`${line} (${option})`);
    }

    // Assess
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(unknown).toEqual([]);
  });
});
