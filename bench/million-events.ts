import { createWriteStream } from 'node:fs';
import { generateEvents } from '../functions/core/generate/index.ts';

/** The first 1,000,000 events of `generateEvents({ users: 40_000, days: 60, seed: 42 })` into an NDJSON file. */
export async function writeMillionEvents(file: string): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  for (const event of generateEvents({ users: 40_000, days: 60, seed: 42, start: '2026-09-01' })) {
    if (count === 1_000_000) break;
    if (!out.write(`${JSON.stringify(event)}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    count++;
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return count;
}
