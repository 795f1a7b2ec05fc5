import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR, sharedDataFile } from './shared-data.ts';

describe('sharedDataFile', () => {
  it('gives the path of a file that is there', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'cairn-shared-data-'));
    await mkdir(join(dir, 'cdnow'));
    await writeFile(
      join(dir, 'cdnow', 'CDNOW_master.txt'),
      'customer_id date number_of_cds dollar_value\r\n',
    );

    // Act
    const path = sharedDataFile('cdnow/CDNOW_master.txt', dir);

    // Assess
    expect(path).toBe(join(dir, 'cdnow', 'CDNOW_master.txt'));
  });

  it('names the missing file, its place in ../shared/data and the README when the file is not there', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'cairn-shared-data-'));

    // Act
    const act = () => sharedDataFile('cdnow/CDNOW_master.txt', dir);

    // Assess
    expect(act).toThrow(
      `shared data missing: ${join(dir, 'cdnow/CDNOW_master.txt')} does not exist. This test reads the real ` +
        'data set ../shared/data/cdnow/CDNOW_master.txt, kept beside the repository and described in ' +
        `../shared/data/README.md; ${join(dir, 'README.md')} lists the files the folder should hold and where ` +
        'each comes from.',
    );
  });

  it('says the whole folder is missing when it is', async () => {
    // Prepare
    const dir = join(await mkdtemp(join(tmpdir(), 'cairn-shared-data-')), 'shared', 'data');

    // Act
    const act = () => sharedDataFile('online-retail/OnlineRetail_invoice_level.csv', dir);

    // Assess
    expect(act).toThrow(
      `there is no ${dir} at all: check the repository out beside the project's shared/ folder.`,
    );
  });

  it('looks for ../shared/data beside the repository', () => {
    // Assess: the repository is this file's grandparent folder.
    expect(SHARED_DATA_DIR).toBe(join(import.meta.dirname, '../../../shared/data/'));
  });
});
