// A worker thread of `cairn simulate --workers N`: the CLI runs from TypeScript source through tsx (bin/cairn.mjs),
// and a worker thread starts without the loader its parent registered, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker-thread.ts');
