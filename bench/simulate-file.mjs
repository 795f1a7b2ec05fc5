// Runs bench/simulate-file.ts bundled, without tsx, as bin/cairn.mjs runs `cairn simulate`: tsx's loader thread
// would count in the peak resident memory the bench measures (functions/cli/simulate/bundle-module.mjs).
// Usage: the same as simulate-file.ts's.
import { bundledModule } from '../functions/cli/simulate/bundle-module.mjs';

const entry = await bundledModule(new URL('./simulate-file.ts', import.meta.url), 'bench-simulate-file');
if (entry === undefined) throw new Error('esbuild could not bundle bench/simulate-file.ts');
await import(entry.href);
