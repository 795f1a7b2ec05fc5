import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The small files of a served stack's `--data DIR` beside the table (`DIR/table/`) and the queue journals
 * (`DIR/*-queue.jsonl`): docs/runtime.md, "State and restarts".
 */
export async function openDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // Two stacks on one folder would corrupt each other's queues, and LevelDB refuses the second table by
  // crashing dynalite: the folder records its process, and a live one keeps others out (a dead one, after a
  // crash, does not).
  const file = join(dataDir, 'stack.pid');
  const holder = Number(await readFile(file, 'utf8').catch(() => ''));
  if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder))
    throw new DataDirError(
      `${dataDir} is in use by another local stack (process ${holder}); stop it, or pass another --data folder`,
    );
  await writeFile(file, String(process.pid));
}

/** A `--data` folder that cannot be used: another running stack holds it, or a file in it is damaged. */
export class DataDirError extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
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
