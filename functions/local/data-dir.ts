import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The small files of a served stack's `--data DIR` beside the table (`DIR/table/`) and the queue journals
 * (`DIR/*-queue.jsonl`): docs/runtime.md, "State and restarts".
 */
export async function openDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
}

/** When the stack first ran on `dataDir` (kept in `DIR/first-start`); `now` without a folder or on first use. */
export async function firstStart(dataDir: string | undefined, now: number): Promise<number> {
  if (dataDir === undefined) return now;
  const file = join(dataDir, 'first-start');
  const stored = Number(await readFile(file, 'utf8').catch(() => ''));
  if (Number.isSafeInteger(stored) && stored > 0) return stored;
  await writeFile(file, String(now));
  return now;
}

/**
 * The key of unsubscribe links: a new one per run in memory; with `--data DIR`, kept in `DIR/unsubscribe.key`,
 * so that links in emails sent before a restart still work.
 */
export async function unsubscribeKey(dataDir: string | undefined): Promise<Buffer> {
  if (dataDir === undefined) return randomBytes(32);
  const file = join(dataDir, 'unsubscribe.key');
  const stored = await readFile(file, 'utf8').catch(() => undefined);
  if (stored !== undefined && /^[0-9a-f]{64}$/.test(stored.trim())) return Buffer.from(stored.trim(), 'hex');
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
