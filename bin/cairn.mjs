#!/usr/bin/env node
// The CLI runs from TypeScript source (through tsx, or bundled by esbuild for `simulate`: below), so `npx cairn` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';
import { bundledModule } from '../functions/cli/simulate/bundle-module.mjs';

// `cairn generate-events | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const args = process.argv.slice(2);
const source = new URL('../functions/cli/main.ts', import.meta.url);
// `cairn simulate` holds its process for minutes beside its worker threads, so it runs the CLI bundled as they
// do, without tsx: tsx's loader runs on a thread of its own, a heap more in the process (docs/benchmarks.md,
// "A 1,000,000-event simulation"). Other commands start sooner without the bundling.
const bundled = args[0] === 'simulate' ? await bundledModule(source, 'cli') : undefined;
if (bundled === undefined) register();
const { main } = await import((bundled ?? source).href);
process.exitCode = await main(args);
