import type { PathSegment, Problem } from '../diagnostics/problem.ts';
import type { SourceDocument } from '../diagnostics/yaml-source.ts';
import type { TemplateFile } from './schema.ts';

export type TemplateSourceFile = { file: string; text: string };

export type LoadedTemplate = {
  id: string;
  file: string;
  template: TemplateFile;
  /** Where each part was written, to turn a Liquid line and column into one in the file. */
  source: SourceDocument;
  text: string;
};

export type TemplateSet = { templates: Map<string, LoadedTemplate>; problems: Problem[] };

const TEMPLATE_FILE = /\.(ya?ml|json)$/;

/** The template id is the file name without its extension: `journeys/templates/welcome.yaml` is `welcome`. */
export function templateIdOf(file: string): string {
  const name = file.split(/[\\/]/).at(-1) ?? file;
  return name.replace(TEMPLATE_FILE, '');
}

export function isTemplateFileName(name: string): boolean {
  return TEMPLATE_FILE.test(name);
}

/**
 * Where line `row`, column `col` (both from 1) of the Liquid text at `path` is in the file. Exact for block
 * literals (`|`, the usual style for bodies) and single-line scalars; for other multi-line styles (folded,
 * multi-line plain or quoted) the start of the value, as YAML has changed the line breaks.
 */
export function positionInFile(
  template: LoadedTemplate,
  path: readonly PathSegment[],
  liquid: string,
  row: number,
  col: number,
): { line: number; column: number } {
  const start = template.source.positionOf(path);
  const lines = template.text.split('\n');
  const first = lines[start.line - 1] ?? '';
  const indicator = first[start.column - 1];
  if (indicator === '|') {
    // The content starts on the next line; its indentation is that of the first non-blank content line.
    const content = lines.slice(start.line).find((l) => l.trim() !== '') ?? '';
    const indent = content.length - content.trimStart().length;
    return { line: start.line + row, column: indent + col };
  }
  if (indicator === '>') return start;
  if (!liquid.includes('\n') && row === 1) {
    const quoted = indicator === '"' || indicator === "'";
    return { line: start.line, column: start.column + col - 1 + (quoted ? 1 : 0) };
  }
  return start;
}
