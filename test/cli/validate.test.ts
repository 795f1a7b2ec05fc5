import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

/** A copy of the shipped journeys folder, to break one file of. */
async function copyOfJourneys(): Promise<string> {
  const dir = await tempDir();
  await cp('journeys', dir, { recursive: true });
  return dir;
}

/** Replaces the one line `from` of the file with `to`; returns the line:column of `mark` in it. */
async function breakLine(file: string, from: string, to: string, mark: string): Promise<string> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const index = lines.indexOf(from);
  if (index < 0 || lines.indexOf(from, index + 1) >= 0)
    throw new Error(`expected one line "${from}" in ${file}`);
  lines[index] = to;
  await writeFile(file, lines.join('\n'));
  return `${index + 1}:${to.indexOf(mark) + 1}`;
}

describe('cairn validate', () => {
  it('passes the sample journeys in journeys/ by default and describes them', async () => {
    const { io, out, err } = memoryIo();

    const code = await main(['validate'], io);

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe(
      '11 journey file(s), 1 campaign file(s) and 3 segment file(s) checked: 12 valid, 0 problem(s) in 0 file(s)',
    );
    expect(out.join('\n')).toContain(
      'cart-abandonment: Cart abandonment [active, marketing] (journeys/cart-abandonment.yaml)',
    );
  });

  it('lists every problem of every file and exits 1', async () => {
    const { io, err } = memoryIo();

    const code = await main(['validate', '--quiet', 'test/fixtures/journeys/broken'], io);

    expect(code).toBe(1);
    expect(err.filter((l) => l.startsWith('test/fixtures/journeys/broken/'))).toHaveLength(27);
    expect(err.at(-1)).toBe('18 journey file(s) checked: 0 valid, 27 problem(s) in 18 file(s)');
  });

  it('names a path that does not exist and exits 2', async () => {
    const { io, err } = memoryIo();

    const code = await main(['validate', 'no/such/folder'], io);

    expect(code).toBe(2);
    expect(err).toEqual(['cairn validate: no such file or folder: no/such/folder']);
  });

  it('skips the reserved files and subfolders of a journey folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'schema.json'), '{"not": "a journey"}');
    await writeFile(
      join(dir, 'only.yaml'),
      'id: only\nname: Only\ntrigger: { event: { detail-type: [X] } }\nsteps:\n  - { id: done, type: exit }\n',
    );
    const { io, out } = memoryIo();

    const code = await main(['validate', '--quiet', dir], io);

    expect(code).toBe(0);
    expect(out).toEqual(['1 journey file(s) checked: 1 valid, 0 problem(s) in 0 file(s)']);
  });

  it('checks the sample templates beside the journeys', async () => {
    const { io, out, err } = memoryIo();

    const code = await main(['validate', '--quiet'], io);

    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.at(-1)).toBe(
      '11 journey file(s), 1 campaign file(s) and 3 segment file(s) checked: 12 valid, 0 problem(s) in 0 file(s)',
    );
    expect(out.slice(0, -1).every((line) => line.startsWith('note: journeys/templates/'))).toBe(true);
  });

  it('fails on a template that references an unknown variable, naming the template file and line', async () => {
    const { io, err } = memoryIo();

    const code = await main(['validate', '--quiet', 'test/fixtures/templates/journeys'], io);

    expect(code).toBe(1);
    expect(err).toContain(
      'test/fixtures/templates/journeys/templates/unknown-variable.yaml:6:24 email.html: unknown variable "customer"; templates can use profile, event, journey, message, saved, unsubscribeUrl',
    );
    expect(err).toContain(
      'test/fixtures/templates/journeys/uses-templates.yaml:10:15 steps[0].template: no template "welcom" in test/fixtures/templates/journeys/templates; did you mean "welcome"?',
    );
    expect(err.at(-1)).toBe('1 journey file(s) checked: 1 valid, 14 problem(s) in 6 file(s)');
  });

  it('reads templates from --templates', async () => {
    const { io, err } = memoryIo();

    const code = await main(
      ['validate', '--quiet', '--templates', 'journeys/templates', 'test/fixtures/templates/journeys'],
      io,
    );

    expect(code).toBe(1);
    expect(err).toEqual([
      'test/fixtures/templates/journeys/uses-templates.yaml:10:15 steps[0].template: no template "welcom" in journeys/templates; did you mean "welcome"?',
      'test/fixtures/templates/journeys/uses-templates.yaml:15:15 steps[1].template: no template "sms-in-german-only" in journeys/templates',
      'test/fixtures/templates/journeys/uses-templates.yaml:20:15 steps[2].template: no template "unknown-variable" in journeys/templates',
      '1 journey file(s) checked: 1 valid, 3 problem(s) in 1 file(s)',
    ]);
  });

  it('fails on a negative cap in the policies beside the journeys, at its file:line:column', async () => {
    // Prepare
    const dir = await copyOfJourneys();
    const file = join(dir, 'policies.yaml');
    const at = await breakLine(file, '    max: 2', '    max: -2', '-2');
    const { io, err } = memoryIo();

    // Act
    const code = await main(['validate', '--quiet', dir], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      `${file}:${at} caps[0].max: expected a number > 0, got number -2`,
      '11 journey file(s), 1 campaign file(s) and 3 segment file(s) checked: 12 valid, 1 problem(s) in 1 file(s)',
    ]);
  });

  it('checks every environment of the policies, not only the base values', async () => {
    // Prepare
    const dir = await copyOfJourneys();
    const file = join(dir, 'policies.yaml');
    const at = await breakLine(
      file,
      '        marketing: opt-in',
      '        marketing: sometimes',
      'sometimes',
    );
    const { io, err } = memoryIo();

    // Act
    const code = await main(['validate', '--quiet', dir], io);

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toBe(
      `${file}:${at} environments.eu.consent.email.marketing: expected one of opt-in, opt-out, none, got "sometimes"`,
    );
  });

  it('fails on a broken lifecycle.yaml beside the journeys, at its file:line:column', async () => {
    // Prepare
    const dir = await copyOfJourneys();
    const file = join(dir, 'lifecycle.yaml');
    const at = await breakLine(file, '  recencyDays: [14, 30, 90, 180]', '  recencyDays: [14, 30, 90]', '[');
    const { io, err } = memoryIo();

    // Act
    const code = await main(['validate', '--quiet', dir], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      `${file}:${at} rfm.recencyDays: expected 4 thresholds for scores 2 to 5 (days since the last order: at most the 1st gives 5, at most the 4th gives 2, more gives 1)`,
      '11 journey file(s), 1 campaign file(s) and 3 segment file(s) checked: 12 valid, 1 problem(s) in 1 file(s)',
    ]);
  });

  it('explains an unknown option with the usage', async () => {
    const { io, err } = memoryIo();

    const code = await main(['validate', '--strict-mode'], io);

    expect(code).toBe(2);
    expect(err[0]).toMatch(/^cairn validate: Unknown option '--strict-mode'/);
    expect(err[0]).toContain('Usage: cairn validate');
  });
});

describe('cairn', () => {
  it('lists the commands with --help', async () => {
    const { io, out } = memoryIo();

    const code = await main(['--help'], io);

    expect(code).toBe(0);
    for (const command of ['start', 'validate', 'test', 'test-pattern', 'simulate', 'schema']) {
      expect(out.join('\n')).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('refuses an unknown command', async () => {
    const { io, err } = memoryIo();

    const code = await main(['frobnicate'], io);

    expect(code).toBe(2);
    expect(err[0]).toMatch(/^cairn: unknown command "frobnicate"/);
  });

  it('reports a stale schema with --check', async () => {
    const dir = await tempDir();
    const file = join(dir, 'schema.json');
    const segments = join(dir, 'segments', 'schema.json');
    await writeFile(file, '{}\n');
    const { io, err } = memoryIo();
    const files = ['--file', file, '--segments-file', segments];

    const stale = await main(['schema', '--check', ...files], io);
    await main(['schema', '--write', ...files], memoryIo().io);
    const fresh = await main(['schema', '--check', ...files], io);

    expect([stale, fresh]).toEqual([1, 0]);
    expect(err).toEqual([
      `${file} is stale: run "npm run schema" to regenerate it from the zod schema`,
      `${segments} is stale: run "npm run schema" to regenerate it from the zod schema`,
    ]);
  });

  it("renders each send step's template with only what every send has, and notes each value it needs", async () => {
    // Prepare: the welcome email's subject uses a trait no event has to carry.
    const dir = await copyOfJourneys();
    const file = join(dir, 'templates', 'welcome.yaml');
    const subject = `  subject: "Welcome to Example Roasters, {{ profile.traits.firstName | default: 'coffee lover' }}"`;
    const at = await breakLine(
      file,
      subject,
      subject.replace('"Welcome', '"{{ profile.traits.loyaltyTier }} Welcome'),
      'profile.traits.loyaltyTier',
    );
    const { io, out } = memoryIo();

    // Act
    const code = await main(['validate', '--quiet', dir], io);

    // Assess: a note, not a problem (a customer who has the trait gets the message).
    expect(code).toBe(0);
    expect(out).toContain(
      `note: ${file}:${at} email.subject: welcome-series/welcome-email needs profile.traits.loyaltyTier; a send without it fails (template-missing-variable)`,
    );
    // The trigger's pattern guarantees the cart's id, so only the product's name is noted for the reminder.
    expect(out.filter((line) => line.includes('cart-abandonment/remind'))).toEqual([
      expect.stringContaining('needs event.properties.name;'),
    ]);
  });
});
