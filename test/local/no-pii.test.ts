import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../functions/cli/commands/simulate.ts';
import { startCommand } from '../../functions/cli/commands/start.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import type { CustomerEvent } from '../../functions/core/events/index.ts';
import { generateEvents } from '../../functions/core/generate/index.ts';

/**
 * The personal data of generated customers: addresses, phone numbers and names, as their events carry them.
 * Everyone opted in to SMS and some to push, so that every channel sends.
 */
function generated(): { events: CustomerEvent[]; pii: Set<string> } {
  const events = [
    ...generateEvents({ users: 16, days: 5, seed: 11, start: '2026-11-02', smsOptIn: 1, pushOptIn: 0.3 }),
  ];
  const pii = new Set<string>();
  for (const event of events) {
    const traits = event.detail.traits ?? {};
    for (const key of ['email', 'phone', 'firstName', 'lastName'])
      if (typeof traits[key] === 'string') pii.add(traits[key]);
  }
  return { events, pii };
}

/** Where a piece of personal data shows in the text: a name as a whole word, an address anywhere. */
function findings(text: string, pii: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const value of pii) {
    const isName = !value.includes('@') && !value.startsWith('+');
    const pattern = isName
      ? new RegExp(`(?<![\\p{L}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'u')
      : undefined;
    if (pattern ? pattern.test(text) : text.includes(value)) found.push(value);
  }
  return found;
}

/** Everything a command prints (its io) and everything logged meanwhile (the handlers' Powertools lines). */
async function printedBy(run: (io: CliIo) => Promise<number>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const io: CliIo = {
    stdout: (s) => lines.push(s),
    stderr: (s) => lines.push(s),
    readFile: (path) => readFile(path, 'utf8'),
  };
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  try {
    const code = await run(io);
    return { code, text: lines.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

let dir: string;
let file: string;
let fewEvents: string;
let pii: Set<string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-pii-'));
  file = join(dir, 'events.ndjson');
  const customers = generated();
  pii = customers.pii;
  const lines = customers.events.map((e) => JSON.stringify(e));
  await writeFile(file, `${lines.join('\n')}\n`);
  fewEvents = join(dir, 'few.ndjson');
  await writeFile(fewEvents, `${lines.slice(0, 20).join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('no personal data in output and logs', () => {
  it('npm start prints and logs no address, phone number or name of generated customers', async () => {
    // Act: the local stack with every handler log line on (DEBUG), on 16 generated customers.
    const { text } = await printedBy((io) =>
      startCommand(['--events', file, '--days-after', '3', '--verbose'], io),
    );

    // Assess: the run sent on every channel (so there was personal data to leak), and none leaked.
    expect(pii.size).toBeGreaterThan(40);
    expect(text).toMatch(/Messages sent: [1-9]\d* \(email \d+, .*sms \d+\)/);
    expect(findings(text, pii)).toEqual([]);
    expect(text).toContain('[subject: ');
    expect(text).toContain('"level":"DEBUG"');
  }, 120_000);

  it('cairn simulate prints none either', async () => {
    // Act
    const { code, text } = await printedBy((io) => simulateCommand(['--events', file], io));

    // Assess
    expect(code).toBe(0);
    expect(findings(text, pii)).toEqual([]);
  });

  it('--show-pii shows them, for local debugging', async () => {
    // Act
    const { text } = await printedBy((io) =>
      startCommand(['--events', fewEvents, '--days-after', '0', '--show-pii'], io),
    );

    // Assess: the report's subjects, with the first names the templates put in them.
    expect(findings(text, pii)).not.toEqual([]);
  }, 120_000);
});
