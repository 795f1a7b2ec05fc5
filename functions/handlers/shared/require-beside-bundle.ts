import { createRequire } from 'node:module';
import { CHUNKS_DIR } from './bundle-layout.ts';

/**
 * Requires `file`, a CommonJS library shipped beside a function's `index.mjs`, from the bundle's module at
 * `moduleUrl` (its `import.meta.url`): that module lands in index.mjs or in a chunk under chunks/, depending on
 * what else the bundle loads.
 */
export function requireBesideBundle<Library>(moduleUrl: string, file: string): Library {
  const inChunk = new URL('.', moduleUrl).pathname.endsWith(`/${CHUNKS_DIR}/`);
  return createRequire(moduleUrl)(`${inChunk ? '../' : './'}${file}`);
}
