import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventIndex } from '../../../functions/cli/simulate/event-index.ts';
import { tempDir } from '../support.ts';

async function replayed(index: EventIndex, file: string) {
  const lines = [];
  for await (const line of index.replay(file)) lines.push(line);
  return lines;
}

describe('EventIndex', () => {
  it("replays the noted lines with their time and customer, and each line's text read again", async () => {
    // Prepare: five lines, of which the first pass noted lines 1, 3 and 5 (2 was blank, 4 not an event).
    const file = join(await tempDir(), 'events.ndjson');
    await writeFile(file, '{"a":1}\n\n{"b":2}\nnot json\n{"c":3}\n');
    const index = new EventIndex();
    index.add(1, 1_000, 'ann');
    index.add(3, null, 'bob');
    index.add(5, 3_000, 'ann');

    // Act
    const lines = await replayed(index, file);

    // Assess
    expect(lines).toEqual([
      { line: 1, at: 1_000, userId: 'ann', text: '{"a":1}' },
      { line: 3, at: null, userId: 'bob', text: '{"b":2}' },
      { line: 5, at: 3_000, userId: 'ann', text: '{"c":3}' },
    ]);
  });

  it('keeps every line when it grows past its first room', async () => {
    // Prepare: more lines than the index first makes room for.
    const count = 10_000;
    const file = join(await tempDir(), 'events.ndjson');
    await writeFile(file, Array.from({ length: count }, (_, i) => `{"n":${i}}\n`).join(''));
    const index = new EventIndex();
    for (let line = 1; line <= count; line++) index.add(line, line * 10, `user-${line % 7}`);

    // Act
    const lines = await replayed(index, file);

    // Assess
    expect(lines).toHaveLength(count);
    expect(lines.at(-1)).toEqual({
      line: count,
      at: count * 10,
      userId: `user-${count % 7}`,
      text: `{"n":${count - 1}}`,
    });
  });

  it('says the file changed when its noted lines are gone', async () => {
    // Prepare: the first pass noted line 3; the file now has two lines.
    const file = join(await tempDir(), 'events.ndjson');
    await writeFile(file, '{"a":1}\n{"b":2}\n');
    const index = new EventIndex();
    index.add(1, 1, 'ann');
    index.add(3, 3, 'bob');

    // Act
    const replay = replayed(index, file);

    // Assess
    await expect(replay).rejects.toThrow(/changed while it was simulated: 1 of its event lines are gone/);
  });
});
