import { parseConfigFile } from '../diagnostics/config-file.ts';
import type { Problem } from '../diagnostics/problem.ts';
import { type LoadedTemplate, type TemplateSet, type TemplateSourceFile, templateIdOf } from './load.ts';
import { TemplateFile } from './schema.ts';

// Reading template files, apart from rendering: deliver renders templates compiled at synth and does not
// bundle the YAML parser.

/** Reads every template file; a file with problems contributes problems and no template. */
export function loadTemplateSet(files: readonly TemplateSourceFile[]): TemplateSet {
  const templates = new Map<string, LoadedTemplate>();
  const problems: Problem[] = [];
  for (const { file, text } of files) {
    const id = templateIdOf(file);
    const parsed = parseConfigFile(TemplateFile, file, text);
    problems.push(...parsed.problems);
    if (!parsed.value) continue;
    const owner = templates.get(id);
    if (owner) {
      problems.push(parsed.locate([], `template id "${id}" is already used by ${owner.file}`));
      continue;
    }
    templates.set(id, { id, file, template: parsed.value, source: parsed.source, text });
  }
  return { templates, problems };
}
