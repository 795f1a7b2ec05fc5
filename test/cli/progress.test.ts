import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../functions/cli/commands/progress.ts';

/** A stream that says whether it is a terminal, and keeps what is written. */
function streamOf(isTTY: boolean) {
  const written: string[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY });
  stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { stream, written };
}

describe('the import progress bar', () => {
  it('draws the share of the file read on a terminal, at most every 100 ms, and ends its line when done', async () => {
    // Prepare
    const { stream, written } = streamOf(true);
    let now = 1_000;
    const bar = new ProgressBar(1_000, stream, () => now);

    // Act
    bar.read(250);
    now += 50;
    bar.read(250);
    now += 100;
    bar.read(250);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(written).toEqual([
      `\r[${'#'.repeat(8)}${'.'.repeat(22)}]  25%  0 rows`,
      `\r[${'#'.repeat(23)}${'.'.repeat(7)}]  75%  0 rows`,
      `\r[${'#'.repeat(23)}${'.'.repeat(7)}]  75%  0 rows`,
      '\n',
    ]);
  });

  it('draws nothing when stderr is not a terminal', async () => {
    const { stream, written } = streamOf(false);
    const bar = new ProgressBar(1_000, stream, () => 0);
    bar.read(1_000);
    bar.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([]);
  });
});
