import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/** An outcome log written by OutcomeFiles: its folder, the file name in each day's folder, and the days written. */
export type WrittenLog = { dir: string; name: string; days: readonly string[] };

/** The one column the splice reads of an outcome record (core/outcomes/record.ts). */
const Customer = z.object({ user_id: z.string().nullable().optional() });

/**
 * The outcome log `into` with the records of `customers` replaced by the log `from` (a subset's rerun, which
 * has only theirs): each day file of `into` rewritten without their lines, then `from`'s lines of each day
 * appended. Returns how many records the log holds now. As with two workers, the lines of a day come in no set
 * order (docs/journeys.md, "On every core").
 */
export async function spliceOutcomeLog(
  into: WrittenLog & { count: number },
  from: WrittenLog,
  customers: ReadonlySet<string>,
): Promise<number> {
  let count = into.count;
  const fileOf = (log: WrittenLog, day: string) => join(log.dir, `dt=${day}`, `${log.name}.ndjson`);
  for (const day of into.days) {
    const file = fileOf(into, day);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    const kept = lines.filter((line) => {
      const userId = Customer.parse(JSON.parse(line)).user_id;
      return userId === null || userId === undefined || !customers.has(userId);
    });
    count -= lines.length - kept.length;
    await writeFile(file, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  }
  for (const day of from.days) {
    const text = await readFile(fileOf(from, day), 'utf8');
    const file = fileOf(into, day);
    await mkdir(join(into.dir, `dt=${day}`), { recursive: true });
    if (into.days.includes(day)) await appendFile(file, text);
    else await writeFile(file, text);
    count += text.split('\n').filter((line) => line !== '').length;
  }
  return count;
}
