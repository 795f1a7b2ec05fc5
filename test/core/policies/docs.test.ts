import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { main } from '../../../functions/cli/main.ts';
import {
  CapRule,
  ClosedDays,
  OpenHours,
  Policies,
  QuietHours,
  SendWindow,
  SuppressedAddress,
} from '../../../functions/core/policies/config.ts';
import { OutcomeNote, OutcomeReason } from '../../../functions/core/policies/outcome.ts';
import { memoryIo, tempDir } from '../../cli/support.ts';

const DOC = 'docs/policies.md';

/** The keys of a zod object, through refinements. */
function keysOf(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function textBlocks(doc: string): string[][] {
  return [...doc.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trimEnd().split('\n'));
}

describe('docs/policies.md', () => {
  it('has a row for every reason code and note', async () => {
    const doc = await readFile(DOC, 'utf8');

    const missing = [...OutcomeReason.unwrap().options, ...OutcomeNote.unwrap().options].filter(
      (code) => !new RegExp(`^\\| \`${code}\` +\\|`, 'm').test(doc),
    );

    expect(missing).toEqual([]);
  });

  it('names every option of the policies file', async () => {
    const doc = await readFile(DOC, 'utf8');
    const keys = [
      ...keysOf(Policies),
      'environments',
      ...[CapRule, QuietHours, SendWindow, OpenHours, ClosedDays, SuppressedAddress].flatMap(keysOf),
      'date',
      'name',
      'channels',
    ];

    const missing = [...new Set(keys)].filter(
      (key) => !doc.includes(`\`${key}\``) && !doc.includes(`${key}:`),
    );

    expect(keys.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it('shows what "cairn explain" really prints', async () => {
    // Prepare
    const blocks = textBlocks(await readFile(DOC, 'utf8')).filter((b) =>
      (b[0] ?? '').startsWith('$ npx cairn'),
    );

    // Act
    const wrong: string[] = [];
    for (const [command = '', ...shown] of blocks) {
      const { io, out } = memoryIo();
      await main(command.split(' ').slice(3), io);
      if (out.join('\n') !== shown.join('\n')) wrong.push(`${command}\n${out.join('\n')}`);
    }

    // Assess
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(wrong).toEqual([]);
  });

  it('shows the problem a bad duration in the shipped file really gives', async () => {
    // Prepare
    const shown = textBlocks(await readFile(DOC, 'utf8')).find((b) => (b[0] ?? '').includes('caps[0].per'));
    const dir = await tempDir();
    const text = await readFile('journeys/policies.yaml', 'utf8');
    await writeFile(join(dir, 'policies.yaml'), text.replace('per: P7D', 'per: P1M'));
    const { io, err } = memoryIo();

    // Act
    const code = await main(['simulate', '--events', 'x', '--policies', join(dir, 'policies.yaml')], io);

    // Assess
    expect(code).toBe(1);
    expect(err.map((line) => line.replaceAll(dir, 'journeys'))).toEqual(shown);
  });
});
