#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so `npx cairn` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// `cairn generate-events | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
