import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real data sets kept beside the repository, in `../shared/data`, as its README.md describes them. They are
 * not in the repository (only small attributed subsets may be), so a checkout without that folder beside it
 * lacks them: the tests that read them then fail saying so, rather than with a bare ENOENT.
 */
export const SHARED_DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/** The absolute path of `file` (e.g. `cdnow/CDNOW_master.txt`) in the shared data; throws what is missing. */
export function sharedDataFile(file: string, dir: string = SHARED_DATA_DIR): string {
  const path = join(dir, file);
  if (existsSync(path)) return path;
  const what = existsSync(dir)
    ? `${join(dir, 'README.md')} lists the files the folder should hold and where each comes from`
    : `there is no ${dir} at all: check the repository out beside the project's shared/ folder`;
  throw new Error(
    `shared data missing: ${path} does not exist. This test reads the real data set ../shared/data/${file}, ` +
      `kept beside the repository and described in ../shared/data/README.md; ${what}.`,
  );
}

/** The text of `file` in the shared data, or an error saying what is missing. */
export function readSharedData(file: string, encoding: BufferEncoding): string {
  return readFileSync(sharedDataFile(file), encoding);
}
