import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { OutcomeRecord } from '../../functions/core/outcomes/record.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { memoryIo, signUpEntry, tempDir, waitForLine } from './support.ts';

/** Every record under the folder, by the layout the S3 bucket has (dt=YYYY-MM-DD/*.ndjson). */
async function recordsUnder(dir: string): Promise<{ files: string[]; records: OutcomeRecord[] }> {
  const files: string[] = [];
  const records: OutcomeRecord[] = [];
  for (const day of await readdir(dir))
    for (const file of await readdir(join(dir, day))) {
      files.push(`${day}/${file}`);
      const text = await readFile(join(dir, day, file), 'utf8');
      for (const line of text.trimEnd().split('\n')) records.push(OutcomeRecord.parse(JSON.parse(line)));
    }
  return { files, records };
}

/** Waits, at most `timeoutMs`, until a record under the folder is one `match` accepts; the records then. */
async function waitForRecords(
  dir: string,
  match: (record: OutcomeRecord) => boolean,
  timeoutMs = 60_000,
): Promise<OutcomeRecord[]> {
  for (let waited = 0; waited < timeoutMs; waited += 250) {
    const { records } = await recordsUnder(dir).catch(() => ({ records: [] }));
    if (records.some(match)) return records;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no matching outcome record under ${dir} in ${timeoutMs} ms`);
}

describe('cairn start --serve --log', () => {
  it('writes the outcome records of what the served stack does, and says so when stopped', async () => {
    // Prepare
    const dir = await tempDir();
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { io, out, err } = memoryIo();
    const port = 41_000 + Math.floor(Math.random() * 2_000);
    const running = main(
      ['start', '--serve', '--log', dir, '--port', String(port), '--ses-port', String(port + 2_000)],
      io,
    );
    const endpoint = (await waitForLine(out, /EventBridge PutEvents\s+http/)).match(/http\S+/)?.[0];
    if (!endpoint) throw new Error('no endpoint printed');
    const client = localEventBridge(endpoint);

    // Act: a sign-up, as an app would send it; stopped (Ctrl-C) once its welcome email was decided (sent, or
    // held by quiet hours: the clock is the wall clock).
    await client.send(
      new PutEventsCommand({
        Entries: [signUpEntry('usr_log')],
      }),
    );
    client.destroy();
    // The served stack writes its records every few seconds: they are in the folder while it runs.
    const whileServing = await waitForRecords(dir, (r) => r.user_id === 'usr_log' && r.kind === 'send');
    process.emit('SIGINT');
    const code = await running;

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const { files, records } = await recordsUnder(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^dt=\d{4}-\d{2}-\d{2}\/serve-\d+\.ndjson$/);
    const mine = records.filter((r) => r.user_id === 'usr_log');
    expect(mine).toContainEqual(expect.objectContaining({ kind: 'enrolled', journey_id: 'welcome-series' }));
    expect(mine).toContainEqual(
      expect.objectContaining({
        kind: 'send',
        journey_id: 'welcome-series',
        channel: 'email',
      }),
    );
    expect(whileServing.length).toBeGreaterThan(0);
    expect(out).toContain(`  Wrote ${records.length} outcome record(s) under ${dir}`);
  }, 120_000);
});
