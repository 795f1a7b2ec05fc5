import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

function line(id: string, time: string, type: string, userId: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    version: '0',
    id,
    source: 'shop',
    'detail-type': type,
    time,
    detail: { userId, ...extra },
  });
}

/** ana: three orders in 180 days; bo: two; cy: only signed up. */
async function eventsFile(): Promise<string> {
  const order = (id: string, time: string, userId: string) =>
    line(id, time, 'Order Completed', userId, { properties: { revenue: 20 } });
  const file = join(await tempDir(), 'events.ndjson');
  const lines = [
    line('s1', '2026-01-01T09:00:00Z', 'Signed Up', 'ana', { traits: { email: 'ana@example.com' } }),
    order('a1', '2026-01-02T10:00:00Z', 'ana'),
    order('a2', '2026-02-02T10:00:00Z', 'ana'),
    order('a3', '2026-03-02T10:00:00Z', 'ana'),
    order('b1', '2026-02-02T10:00:00Z', 'bo'),
    order('b2', '2026-03-02T10:00:00Z', 'bo'),
    line('s3', '2026-03-03T10:00:00Z', 'Signed Up', 'cy'),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('cairn segments', () => {
  it('estimates a sample segment as of a time, and later as orders leave its window', async () => {
    // Prepare
    const events = await eventsFile();
    const early = memoryIo();
    const late = memoryIo();

    // Act: ana's first order leaves the 180-day window on 2026-07-01 at 10:00.
    const codes = [
      await main(
        ['segments', 'estimate', 'frequent-buyers', '--events', events, '--as-of', '2026-07-01T09:59:59Z'],
        early.io,
      ),
      await main(
        ['segments', 'estimate', 'frequent-buyers', '--events', events, '--as-of', '2026-07-01T10:00:00Z'],
        late.io,
      ),
    ];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(early.out).toEqual(['frequent-buyers: 1 of 3 customer(s) (33.3%) as of 2026-07-01T09:59:59.000Z']);
    expect(late.out).toEqual(['frequent-buyers: 0 of 3 customer(s) (0.0%) as of 2026-07-01T10:00:00.000Z']);
  });

  it('exports the members as CSV or JSON lines', async () => {
    // Prepare
    const events = await eventsFile();
    const csv = memoryIo();
    const jsonl = memoryIo();
    const args = ['--events', events, '--as-of', '2026-03-10T00:00:00Z'];

    // Act
    await main(['segments', 'export', 'recent-buyers', ...args], csv.io);
    await main(['segments', 'export', 'recent-buyers', ...args, '--format', 'jsonl'], jsonl.io);

    // Assess
    expect(csv.out).toEqual([
      'userId,email,phone,stage,segments',
      'ana,ana@example.com,,active,frequent-buyers recent-buyers',
      'bo,,,active,recent-buyers',
    ]);
    expect(jsonl.out.map((l) => JSON.parse(l))).toEqual([
      {
        userId: 'ana',
        email: 'ana@example.com',
        phone: null,
        stage: 'active',
        segments: ['frequent-buyers', 'recent-buyers'],
      },
      { userId: 'bo', email: null, phone: null, stage: 'active', segments: ['recent-buyers'] },
    ]);
    expect(csv.err).toEqual(['recent-buyers: 2 of 3 customer(s) (66.7%) as of 2026-03-10T00:00:00.000Z']);
  });

  it('names an unknown segment and bad usage', async () => {
    // Prepare
    const events = await eventsFile();
    const unknown = memoryIo();
    const usage = memoryIo();

    // Act
    const codes = [
      await main(['segments', 'estimate', 'frequent-buyer', '--events', events], unknown.io),
      await main(['segments', 'count', 'vip', '--events', events], usage.io),
    ];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(unknown.err).toEqual([
      'cairn segments: unknown segment "frequent-buyer"; did you mean "frequent-buyers"?; the segments in journeys/segments are: frequent-buyers, recent-buyers, vip',
    ]);
    expect(usage.err[0]).toMatch(/^cairn segments: expected estimate or export, got "count"/);
  });

  it('stops on a segment problem, at its file:line:col, as cairn validate does', async () => {
    // Prepare: a copy of journeys/ whose frequent-buyers excludes a segment that does not exist.
    const dir = await tempDir();
    await cp('journeys', dir, { recursive: true });
    const file = join(dir, 'segments', 'frequent-buyers.yaml');
    await writeFile(file, 'id: frequent-buyers\nname: F\nwhen: { stages: [active] }\nexclude: [vips]\n');
    const validate = memoryIo();
    const estimate = memoryIo();

    // Act
    const codes = [
      await main(['validate', dir, '--quiet'], validate.io),
      await main(
        ['segments', 'estimate', 'frequent-buyers', '--journeys', dir, '--events', await eventsFile()],
        estimate.io,
      ),
    ];

    // Assess
    expect(codes).toEqual([1, 1]);
    const problem = `${file}:4:11 exclude[0]: unknown segment "vips"; did you mean "vip"?`;
    expect(validate.err[0]).toBe(problem);
    expect(estimate.err[0]).toBe(problem);
  });
});
