import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isTemplateFileName, type TemplateSourceFile } from '../../core/templates/load.ts';

export const TEMPLATES_DIR = join('journeys', 'templates');

/** The template files directly inside `dir`; none when the folder does not exist. */
export async function readTemplateFiles(dir: string): Promise<TemplateSourceFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  const names = (await readdir(dir)).filter(isTemplateFileName).sort();
  const files: TemplateSourceFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if ((await stat(file)).isFile()) files.push({ file, text: await readFile(file, 'utf8') });
  }
  return files;
}
