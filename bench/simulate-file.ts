// Runs `cairn simulate` on a file in this process and prints its wall time and peak resident memory as JSON.
// A separate process, so the peak belongs to the simulation alone (its worker threads included: they share it).
// Usage: simulate-file.ts EVENTS.ndjson --parse-only | [cairn simulate options, e.g. --workers 2 --out FILE]

import { simulateCommand } from '../functions/cli/commands/simulate.ts';
import { streamEvents } from '../functions/cli/event-stream.ts';

const [file, ...options] = process.argv.slice(2);
if (!file) throw new Error('usage: simulate-file.ts EVENTS.ndjson [--parse-only | cairn simulate options]');
const started = performance.now();
if (options[0] === '--parse-only') {
  let valid = 0;
  for await (const line of streamEvents(file)) if ('event' in line) valid++;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ code: 0, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, summary: `parsed ${valid} events` })}\n`,
  );
  process.exit(0);
}
const lines: string[] = [];
const code = await simulateCommand(['--events', file, ...options], {
  stdout: (s) => lines.push(s),
  stderr: () => {},
  readFile: async () => '',
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ code, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, summary: lines[0], written: lines.at(-1) })}\n`,
);
