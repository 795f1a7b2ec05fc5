import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { type CustomerEvent, parseCustomerEvent } from '../../functions/core/events/index.ts';
import { simulationOf } from '../support/simulation.ts';
import { memoryIo, tempDir } from './support.ts';

const PINPOINT = join(import.meta.dirname, '../fixtures/import/pinpoint-endpoints.jsonl');
const AT = '2026-11-01T00:00:00Z';

async function fileOf(name: string, text: string): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, text);
  return path;
}

function eventsOf(lines: string[]): CustomerEvent[] {
  return lines.map((line) => {
    const parsed = parseCustomerEvent(JSON.parse(line));
    if (!parsed.ok) throw new Error(`${line}: ${JSON.stringify(parsed.problems)}`);
    return parsed.event;
  });
}

describe('cairn import profiles FILE', () => {
  it('writes a Pinpoint export as events of the contract, recognised by its first line, with a summary naming the bad lines', async () => {
    // Prepare
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['import', 'profiles', PINPOINT, '--at', AT, '--list', 'migrated'], io);

    // Assess
    expect(code).toBe(0);
    const events = eventsOf(out);
    expect(events).toHaveLength(6);
    expect(events.every((e) => e.detail.properties.lists !== undefined)).toBe(true);
    expect(err.join('\n')).toContain('pinpoint-endpoints.jsonl: pinpoint format, read 10 rows');
    expect(err.join('\n')).toContain(
      'imported 6 rows into 3 profiles (3 merged into a profile of an earlier row)',
    );
    expect(err.join('\n')).toContain('line 8: (line): not JSON');
    expect(err.join('\n')).toContain('line 7: ChannelType: VOICE endpoints are not delivered by Cairn');
  });

  it('reads a gzipped export (as Pinpoint writes them) as a Pinpoint export', async () => {
    // Prepare
    const gz = join(await tempDir(), 'part-0001.gz');
    await writeFile(gz, gzipSync(await readFile(PINPOINT)));
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['import', 'profiles', gz, '--at', AT], io);

    // Assess
    expect(code).toBe(0);
    expect(eventsOf(out).map((e) => e.detail.userId)).toEqual([
      'usr_maya',
      'usr_maya',
      'usr_maya',
      'usr_maya',
      'usr_kenji',
      'ep-anon-email',
    ]);
    expect(err.join('\n')).toContain('part-0001.gz: pinpoint format, read 10 rows');
  });

  it('writes the same bytes when run again, and the simulator applies the second run as duplicates', async () => {
    // Prepare
    const first = memoryIo();
    const second = memoryIo();
    await main(['import', 'profiles', PINPOINT, '--at', AT], first.io);
    await main(['import', 'profiles', PINPOINT, '--at', AT], second.io);
    const simulation = simulationOf({ journeys: [] });

    // Act
    for (const event of eventsOf(first.out)) await simulation.processEvent(event);
    const before = structuredClone(simulation.states.peek('usr_maya'));
    for (const event of eventsOf(second.out)) await simulation.processEvent(event);

    // Assess
    expect(second.out).toEqual(first.out);
    expect(simulation.states.peek('usr_maya')).toEqual(before);
  });

  it('reads CSV with quoted cells through a map file, and names a bad cell by its line and column', async () => {
    // Prepare
    const csv = await fileOf(
      'crm.csv',
      [
        'Customer Ref,E-mail,Mobile,Zone,Newsletter,Plan,Notes',
        'c1,ana@example.com,+447911123456,Europe/London,yes,pro,"likes ""dark"" roast, 250g"',
        'c2,bo@example.com,,Mars/Olympus,no,free,',
        'c3,"cy@example.com",,,maybe,free,"two',
        'lines"',
        ',nobody@example.com,,,,,',
        '',
      ].join('\n'),
    );
    const map = await fileOf(
      'map.yaml',
      [
        'userId: Customer Ref',
        'email: E-mail',
        'phone: Mobile',
        'timezone: Zone',
        'consent:',
        '  email: Newsletter',
        'ignore: [Notes]',
        '',
      ].join('\n'),
    );
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['import', 'profiles', csv, '--map', map, '--at', AT], io);

    // Assess
    expect(code).toBe(0);
    const [ana, ...others] = eventsOf(out);
    expect(others).toEqual([]);
    expect(ana?.detail).toMatchObject({
      userId: 'c1',
      traits: {
        email: 'ana@example.com',
        phone: '+447911123456',
        timezone: 'Europe/London',
        Plan: 'pro',
        consent: { email: true },
      },
    });
    expect(ana?.detail.traits).not.toHaveProperty('Notes');
    const summary = err.join('\n');
    expect(summary).toContain('csv format, read 4 rows');
    expect(summary).toContain('line 3: Zone: not an IANA time zone: "Mars/Olympus"');
    expect(summary).toContain('line 5: Newsletter: expected yes or no');
    expect(summary).toContain('skipped 1 row: no-user-id');
  });

  it('stops before any row when the map names a column the file does not have, and exits 1', async () => {
    // Prepare
    const csv = await fileOf('crm.csv', 'id,email\nc1,a@example.com\n');
    const map = await fileOf('map.yaml', 'phone: Mobile\n');
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['import', 'profiles', csv, '--map', map], io);

    // Assess
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain(
      'the map does not fit the header: phone: the file has no column "Mobile" (it has id, email)',
    );
  });

  it('names a wrong key of the map file at its line and column', async () => {
    // Prepare
    const csv = await fileOf('crm.csv', 'id,email\n');
    const map = await fileOf('map.yaml', 'email: email\nphnoe: Mobile\n');
    const { io, err } = memoryIo();

    // Act
    const code = await main(['import', 'profiles', csv, '--map', map], io);

    // Assess
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/map\.yaml:2:1 .*phnoe/);
  });

  it.each([
    [['profiles'], 'missing the FILE to import'],
    [['profiles', 'a.csv', '--format', 'xml'], 'unknown format "xml"; expected csv, jsonl or pinpoint'],
    [
      ['profiles', 'a.csv', '--at', 'yesterday'],
      '--at must be an ISO-8601 time with a zone, got "yesterday"',
    ],
    [['profiles', 's3://bucket/imports/a.csv'], 's3:// needs --env ENV'],
    [['profiles', 'a.csv', '--env', 'prod'], '--env needs an s3:// object'],
  ])('exits 2 for %j, saying what is wrong', async (args, message) => {
    const { io, err } = memoryIo();
    const code = await main(['import', ...args], io);
    expect(code).toBe(2);
    expect(err[0]).toContain(`cairn import profiles: ${message}`);
  });
});
