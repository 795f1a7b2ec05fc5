import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { generateEventsCommand, generateEventsUsage } from '../../functions/cli/commands/generate-events.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import { main } from '../../functions/cli/main.ts';
import { type CustomerEvent, parseNdjsonEvents } from '../../functions/core/events/index.ts';
import { memoryIo, tempDir } from './support.ts';

function idsOf(lines: string[]): (string | undefined)[] {
  return lines.map((line) => /"id":"([^"]+)"/.exec(line)?.[1]);
}

async function run(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: (s) => stdout.push(s),
    stderr: (s) => stderr.push(s),
    readFile: () => Promise.reject(new Error('generate-events reads no files')),
  };
  const code = await generateEventsCommand(args, io);
  return { code, stdout, stderr };
}

describe('cairn generate-events', () => {
  it('writes one valid event per line, sorted by time, and a one-line summary on stderr', async () => {
    // Act
    const { code, stdout, stderr } = await run([
      '--users',
      '25',
      '--days',
      '7',
      '--seed',
      '3',
      '--start',
      '2027-03-01',
    ]);
    // Assess
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(100);
    expect(stdout.every((line) => !line.includes('\n'))).toBe(true);
    const parsed = parseNdjsonEvents(stdout.join('\n'));
    expect(parsed.flatMap((l) => ('problems' in l ? l.problems : []))).toEqual([]);
    const times = parsed.flatMap((l) => ('event' in l ? [Date.parse(l.event.time)] : []));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2027-03-01T00:00:00Z'));
    expect(stderr).toEqual([`generated ${stdout.length} events for 25 users over 7 days (seed 3)`]);
  });

  it('gives the same output for the same arguments, another for another seed', async () => {
    const first = await run(['--users', '10', '--days', '5', '--seed', '9']);
    const again = await run(['--days', '5', '--seed', '9', '--users', '10']);
    const other = await run(['--users', '10', '--days', '5', '--seed', '10']);
    expect(again.stdout).toEqual(first.stdout);
    expect(other.stdout).not.toEqual(first.stdout);
  });

  it('defaults to 100 users over 30 days from 2026-11-01 with seed 1 and no duplicates', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(0);
    expect(stderr).toEqual([`generated ${stdout.length} events for 100 users over 30 days (seed 1)`]);
    expect(stdout[0]).toContain('"time":"2026-11-01T');
    const ids = idsOf(stdout);
    expect(ids).not.toContain(undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('re-delivers events with the same id when asked to', async () => {
    const { code, stdout } = await run(['--users', '50', '--days', '10', '--duplicates', '0.05']);
    expect(code).toBe(0);
    const ids = idsOf(stdout);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it.each([
    [['--users', '0'], '--users must be an integer from 1 to'],
    [['--users', 'ten'], '--users must be a whole number, got "ten"'],
    [['--days', '1.5'], '--days must be a whole number, got "1.5"'],
    [['--days', '99999'], '--days must be an integer from 1 to 3660, got 99999'],
    [['--seed=-1'], '--seed must be a whole number, got "-1"'],
    [['--seed', '4294967296'], '--seed must be an integer from 0 to 4294967295'],
    [['--start', '2026-02-30'], '--start must be a date YYYY-MM-DD'],
    [['--start', 'next monday'], '--start must be a date YYYY-MM-DD'],
    [['--duplicates', '2'], '--duplicates must be a number from 0 to 1, got "2"'],
    [['--sms-opt-in', '1.5'], '--sms-opt-in must be a number from 0 to 1, got "1.5"'],
    [['--push-opt-in=-0.2'], '--push-opt-in must be a number from 0 to 1, got "-0.2"'],
    [['--push-opt-in', 'half'], '--push-opt-in must be a number from 0 to 1, got "half"'],
    [['--duplicates', 'some'], '--duplicates must be a number from 0 to 1, got "some"'],
    [['--user', '5'], "Unknown option '--user'"],
    [['--users'], "Option '--users <value>' argument missing"],
    [['events.ndjson'], "Unexpected argument 'events.ndjson'"],
  ])('refuses %j with exit 2 and a clear message', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join('\n')).toContain(message);
    expect(stderr.join('\n')).toContain(generateEventsUsage);
  });

  it('opts in the shares of customers asked for, the same ones for the same seed', async () => {
    // Act
    const args = [
      '--users',
      '2000',
      '--days',
      '2',
      '--seed',
      '4',
      '--sms-opt-in',
      '0.3',
      '--push-opt-in',
      '0.5',
    ];
    const { code, stdout } = await run(args);
    const again = await run(args);
    const none = await run([
      '--users',
      '2000',
      '--days',
      '2',
      '--seed',
      '4',
      '--sms-opt-in',
      '0',
      '--push-opt-in',
      '0',
    ]);

    // Assess: within 4.5 standard deviations of a binomial draw per customer.
    expect(code).toBe(0);
    expect(again.stdout).toEqual(stdout);
    const consents = identifiedConsents(stdout);
    const n = consents.length;
    const near = (count: number, share: number) =>
      Math.abs(count - n * share) < 4.5 * Math.sqrt(n * share * (1 - share));
    expect(n).toBeGreaterThan(1500);
    expect(near(consents.filter((c) => c.sms?.marketing === true).length, 0.3)).toBe(true);
    expect(near(consents.filter((c) => c.push?.marketing === true).length, 0.5)).toBe(true);
    expect(
      identifiedConsents(none.stdout).filter((c) => c.sms !== undefined || c.push !== undefined),
    ).toEqual([]);
  });

  it('makes a simulation send marketing SMS and push, which it does not without opt-ins', async () => {
    // Prepare
    const dir = await tempDir();
    const simulate = async (optIns: string[]) => {
      const generated = await run(['--users', '300', '--days', '30', '--seed', '7', ...optIns]);
      const events = join(dir, 'events.ndjson');
      await writeFile(events, `${generated.stdout.join('\n')}\n`);
      const out = join(dir, 'result.json');
      const code = await main(['simulate', '--events', events, '--out', out], memoryIo().io);
      expect(code).toBe(0);
      const { messages } = SimulatedMessages.parse(JSON.parse(await readFile(out, 'utf8')));
      const sent = (channel: string) =>
        messages.filter((m) => m.category === 'marketing' && m.channel === channel && m.status === 'SENT')
          .length;
      return { sms: sent('sms'), push: sent('push') };
    };

    // Act
    const withOptIns = await simulate([]);
    const without = await simulate(['--sms-opt-in', '0', '--push-opt-in', '0']);

    // Assess
    expect(withOptIns.sms).toBeGreaterThan(0);
    expect(withOptIns.push).toBeGreaterThan(0);
    expect(without).toEqual({ sms: 0, push: 0 });
  }, 60_000); // two simulations of a generated month: about 6 s alone, three times that on a busy machine
});

const SimulatedMessages = z.object({
  messages: z.array(z.object({ category: z.string(), channel: z.string().nullable(), status: z.string() })),
});

/** The consent in the traits that identify each customer (their first event with an email), one per customer. */
function identifiedConsents(
  lines: string[],
): { sms?: { marketing?: boolean }; push?: { marketing?: boolean } }[] {
  const Consent = z
    .object({
      sms: z.object({ marketing: z.boolean() }).partial(),
      push: z.object({ marketing: z.boolean() }).partial(),
    })
    .partial();
  return lines.flatMap((line) => {
    const event: CustomerEvent = JSON.parse(line);
    const traits = event.detail.traits;
    return traits?.email === undefined ? [] : [Consent.parse(traits.consent ?? {})];
  });
}
