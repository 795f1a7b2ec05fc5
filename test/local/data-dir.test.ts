import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirError, openDataDir } from '../../functions/local/data-dir.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-dir-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openDataDir (--data DIR)', () => {
  it('refuses a folder a running stack holds, naming the folder and the process', async () => {
    // Prepare: the parent of this process is running.
    writeFileSync(join(dir, 'stack.pid'), String(process.ppid));

    // Act
    const opening = openDataDir(dir);

    // Assess
    await expect(opening).rejects.toThrow(DataDirError);
    await expect(opening).rejects.toThrow(
      `${dir} is in use by another local stack (process ${process.ppid})`,
    );
  });

  it('takes over a folder whose stack died, as after a crash', async () => {
    // Prepare: a process id above Linux's maximum, so no process has it.
    writeFileSync(join(dir, 'stack.pid'), String(2 ** 22 + 1));

    // Act
    await openDataDir(dir);

    // Assess
    expect(readFileSync(join(dir, 'stack.pid'), 'utf8')).toBe(String(process.pid));
  });
});
