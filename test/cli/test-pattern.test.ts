import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPatternCommand } from '../../functions/cli/commands/test-pattern.ts';
import type { CliIo } from '../../functions/cli/io.ts';

/** An in-memory CliIo over a few named files; a missing file fails as the file system would. */
function memoryIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
  };
  return { io, out, err };
}

const orderPattern = JSON.stringify({
  'detail-type': ['Order Completed'],
  detail: { total: [{ numeric: ['>', 50] }] },
});
const bigOrder = JSON.stringify({ 'detail-type': 'Order Completed', detail: { total: 72.5 } });
const smallOrder = JSON.stringify({ 'detail-type': 'Order Completed', detail: { total: 12 } });

describe('cairn test-pattern --pattern --event', () => {
  it('prints true and exits 0 for a matching event', async () => {
    // Prepare
    const { io, out, err } = memoryIo({ 'p.json': orderPattern, 'e.json': bigOrder });
    // Act
    const code = await testPatternCommand(['--pattern', 'p.json', '--event', 'e.json'], io);
    // Assess
    expect(code).toBe(0);
    expect(out).toEqual(['true']);
    expect(err).toEqual([]);
  });

  it('prints false and exits 0 for an event that does not match', async () => {
    const { io, out } = memoryIo({ 'p.json': orderPattern, 'e.json': smallOrder });
    expect(await testPatternCommand(['--pattern=p.json', '--event=e.json'], io)).toBe(0);
    expect(out).toEqual(['false']);
  });

  it('lists every problem of an invalid pattern as path: message and exits 2', async () => {
    const pattern = JSON.stringify({ source: 'shop', detail: { email: [{ wildcard: '*@**.example.com' }] } });
    const { io, out, err } = memoryIo({ 'p.json': pattern, 'e.json': bigOrder });
    expect(await testPatternCommand(['--pattern', 'p.json', '--event', 'e.json'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'source: "source" must be an object or an array',
      'detail.email[0].wildcard: Consecutive wildcard characters at pos 3',
    ]);
  });

  it('names the file that is not valid JSON and exits 2', async () => {
    const { io, out, err } = memoryIo({ 'p.json': orderPattern, 'e.json': '{"detail-type": ' });
    expect(await testPatternCommand(['--pattern', 'p.json', '--event', 'e.json'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^cairn test-pattern: e\.json is not valid JSON: /);
  });

  it('names a pattern file that cannot be read and exits 2', async () => {
    const { io, err } = memoryIo({ 'e.json': bigOrder });
    expect(await testPatternCommand(['--pattern', 'missing.json', '--event', 'e.json'], io)).toBe(2);
    expect(err).toEqual([
      "cairn test-pattern: cannot read missing.json: ENOENT: no such file or directory, open 'missing.json'",
    ]);
  });

  it.each([
    [[]],
    [['--pattern', 'p.json']],
    [['--event', 'e.json']],
    [['--cases', 'c.jsonl', '--pattern', 'p.json']],
  ])('prints the usage and exits 2 for %j', async (args) => {
    const { io, out, err } = memoryIo({});
    expect(await testPatternCommand(args, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('Usage: cairn test-pattern --pattern p.json --event e.json');
  });

  it('rejects an unknown option with the usage and exits 2', async () => {
    const { io, err } = memoryIo({});
    expect(await testPatternCommand(['--patern', 'p.json'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/Unknown option '--patern'[\s\S]*Usage: cairn test-pattern/);
  });
});

describe('cairn test-pattern --cases', () => {
  it('answers one JSON line per case, in order, skipping blank lines', async () => {
    // Prepare
    const cases = [
      JSON.stringify({ pattern: JSON.parse(orderPattern), event: JSON.parse(bigOrder) }),
      '',
      JSON.stringify({ pattern: JSON.parse(orderPattern), event: JSON.parse(smallOrder) }),
      '   ',
      JSON.stringify({ pattern: { detail: { n: [{ numeric: ['>'] }] } }, event: {} }),
      '{not json',
      JSON.stringify({ pattern: { a: ['x'] } }),
      JSON.stringify({ pattern: { a: [{ exists: false }] }, event: null }),
      '',
    ].join('\n');
    const { io, out, err } = memoryIo({ 'cases.jsonl': cases });
    // Act
    const code = await testPatternCommand(['--cases', 'cases.jsonl'], io);
    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(6);
    expect(out.slice(0, 3)).toEqual([
      '{"match":true}',
      '{"match":false}',
      '{"error":"line 5: invalid pattern: detail.n[0].numeric: Value of > must be numeric"}',
    ]);
    expect(out[3]).toMatch(/^\{"error":"line 6: invalid JSON: .+"\}$/);
    expect(out.slice(4)).toEqual([
      '{"error":"line 7: expected an object with \\"pattern\\" and \\"event\\""}',
      '{"match":true}',
    ]);
    for (const line of out) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('handles Windows line endings', async () => {
    const line = JSON.stringify({ pattern: { a: ['x'] }, event: { a: 'x' } });
    const { io, out } = memoryIo({ 'c.jsonl': `${line}\r\n${line}\r\n` });
    expect(await testPatternCommand(['--cases', 'c.jsonl'], io)).toBe(0);
    expect(out).toEqual(['{"match":true}', '{"match":true}']);
  });

  it('exits 2 when the cases file cannot be read', async () => {
    const { io, out, err } = memoryIo({});
    expect(await testPatternCommand(['--cases', 'nope.jsonl'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^cairn test-pattern: cannot read nope\.jsonl: /);
  });
});

describe('cairn test-pattern on real files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-test-pattern-'));
    await writeFile(join(dir, 'pattern.json'), orderPattern);
    await writeFile(join(dir, 'event.json'), bigOrder);
    await writeFile(
      join(dir, 'cases.jsonl'),
      `${JSON.stringify({ pattern: { a: ['x'] }, event: { a: 'y' } })}\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fileIo = () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      readFile: (p) => readFile(p, 'utf8'),
    };
    return { io, out, err };
  };

  it('reads the pattern and event from disk', async () => {
    const { io, out } = fileIo();
    expect(
      await testPatternCommand(
        ['--pattern', join(dir, 'pattern.json'), '--event', join(dir, 'event.json')],
        io,
      ),
    ).toBe(0);
    expect(out).toEqual(['true']);
  });

  it('reads a cases file from disk', async () => {
    const { io, out } = fileIo();
    expect(await testPatternCommand(['--cases', join(dir, 'cases.jsonl')], io)).toBe(0);
    expect(out).toEqual(['{"match":false}']);
  });

  it('reports a missing file by name', async () => {
    const { io, err } = fileIo();
    const missing = join(dir, 'missing.json');
    expect(await testPatternCommand(['--pattern', missing, '--event', join(dir, 'event.json')], io)).toBe(2);
    expect(err[0]).toContain(`cannot read ${missing}: ENOENT`);
  });
});
