import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExportStore } from '../../core/pinpoint/export.ts';

/** The export folder: each object as pretty JSON, written to a temporary name and renamed, so a cut run leaves no half file. */
export function exportFolder(root: string): ExportStore {
  return {
    has: async (path) => (await stat(join(root, path)).catch(() => undefined))?.isFile() === true,
    write: async (path, value) => {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    },
    read: async (path) => JSON.parse(await readFile(join(root, path), 'utf8')),
  };
}
