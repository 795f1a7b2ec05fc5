import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { generateEvents } from '../../functions/core/generate/index.ts';
import { memoryIo, tempDir } from './support.ts';

describe('cairn simulate --workers', () => {
  it('writes the same --out, byte for byte, and prints the same summary on 1, 2 and 3 workers', async () => {
    // Prepare: the sample journeys with lifecycle.yaml and policies.yaml (the defaults) and the weekly
    // newsletter's scheduled runs, over generated customers for 30 days.
    const dir = await tempDir();
    const events = join(dir, 'events.ndjson');
    const lines = [...generateEvents({ users: 120, days: 30, seed: 11, start: '2026-09-01' })].map((e) =>
      JSON.stringify(e),
    );
    await writeFile(events, `${lines.join('\n')}\n`);
    const run = async (workers: number) => {
      const out = join(dir, `result-${workers}.json`);
      const { io, out: printed, err } = memoryIo();
      const code = await main(
        ['simulate', '--events', events, '--workers', String(workers), '--out', out],
        io,
      );
      return { code, text: await readFile(out, 'utf8'), printed: printed.slice(0, -1), err };
    };

    // Act
    const one = await run(1);
    const two = await run(2);
    const three = await run(3);

    // Assess
    expect(one.code).toBe(0);
    expect(two.err).toEqual([]);
    expect(three.err).toEqual([]);
    expect(two.text).toBe(one.text);
    expect(three.text).toBe(one.text);
    expect(two.printed).toEqual(one.printed);
    expect(three.printed).toEqual(one.printed);
    expect(one.printed.join('\n')).toMatch(/run \d{4}-\d{2}-\d{2}\S*\s+audience [1-9]/);
    expect(one.text).toContain('"status": "SENT"');
    expect(lines.length).toBeGreaterThan(1_000);
  }, 300_000);

  it('says what is wrong with --workers and exits 2', async () => {
    const { io, err } = memoryIo();

    const code = await main(['simulate', '--events', 'journeys/events/sample.ndjson', '--workers', '0'], io);

    expect(code).toBe(2);
    expect(err).toEqual(['cairn simulate: --workers "0" is not a whole number from 1 to 256']);
  });
});
