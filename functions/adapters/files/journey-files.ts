import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JourneyFile } from '../../core/journeys/load.ts';

/** Files in journeys/ that are not journeys: the generated schema and the environment-wide settings. */
const NOT_JOURNEYS = new Set([
  'schema.json',
  'lifecycle.yaml',
  'lifecycle.yml',
  'policies.yaml',
  'policies.yml',
]);
const JOURNEY_FILE = /\.(ya?ml|json)$/;

export type JourneyFiles = { files: JourneyFile[]; missing: string[] };

/**
 * Expands the paths given on the command line: a folder contributes its own journey files (not its
 * subfolders, which hold tests, templates and events), a file is taken as it is.
 */
export async function readJourneyFiles(paths: readonly string[]): Promise<JourneyFiles> {
  const files: JourneyFile[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      missing.push(path);
    } else if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => JOURNEY_FILE.test(n) && !NOT_JOURNEYS.has(n)).sort();
      for (const name of names) {
        const file = join(path, name);
        if ((await stat(file)).isFile()) files.push({ file, text: await readFile(file, 'utf8') });
      }
    } else {
      files.push({ file: path, text: await readFile(path, 'utf8') });
    }
  }
  return { files, missing };
}
