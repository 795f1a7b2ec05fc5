import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

describe('cairn campaigns send-test', () => {
  it("sends every treatment's message to each recipient through the local stack's deliver path", async () => {
    // Prepare
    const file = join(await tempDir(), 'testers.yaml');
    await writeFile(
      file,
      '- { userId: tester-1, email: ana@example.com, traits: { firstName: Ana } }\n- { userId: tester-2, email: ben@example.com }\n',
    );
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['campaigns', 'send-test', 'holiday-vip', '--to', file, '--show-pii'], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe("4 of 4 test message(s) sent through the local stack's deliver path");
    expect(out.filter((line) => line.includes('email to ana@example.com (holiday-vip)'))).toEqual([
      expect.stringContaining('Ana, 20% off for you this Christmas'),
      expect.stringContaining('Ana, a Christmas gift with your next order'),
    ]);
  }, 60_000);

  it('names a bad recipient at its file:line:col, and an unknown campaign with the known ones', async () => {
    // Prepare
    const file = join(await tempDir(), 'testers.yaml');
    await writeFile(file, '- { userId: tester-1, email: not-an-address }\n');
    const bad = memoryIo();
    const unknown = memoryIo();
    const good = join(await tempDir(), 'ok.yaml');
    await writeFile(good, '- { userId: t, email: t@example.com }\n');

    // Act
    const badCode = await main(['campaigns', 'send-test', 'holiday-vip', '--to', file], bad.io);
    const unknownCode = await main(['campaigns', 'send-test', 'holiday', '--to', good], unknown.io);

    // Assess
    expect(badCode).toBe(1);
    expect(bad.err[0]).toMatch(/testers\.yaml:1:\d+ \[0\]\.email: /);
    expect(unknownCode).toBe(1);
    expect(unknown.err).toEqual([
      'cairn campaigns send-test: no campaign or scheduled journey "holiday"; known: weekly-newsletter, holiday-vip',
    ]);
  }, 60_000);
});
