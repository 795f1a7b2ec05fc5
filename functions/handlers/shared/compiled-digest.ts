import { createHash } from 'node:crypto';

/**
 * The format of the compiled configuration file: 2 since the file carries the configuration as zod's output
 * with a digest, trusted by the functions without parsing it again (compiled-file.ts). The synth writes the file
 * and builds the bundles from one checkout, so a file and the code reading it agree; a file copied from another
 * version is told apart by this number only: raise it when `CompiledConfig`'s output changes shape.
 */
export const COMPILED_FORMAT = 2;

/**
 * The SHA-256 of the canonical text of a compiled configuration: `JSON.stringify` of it as `JSON.parse` gives
 * it back, which is the text the compiler wrote (compiled-schema.ts checks that the two are the same).
 */
export function digestOf(configuration: unknown): string {
  return createHash('sha256').update(JSON.stringify(configuration)).digest('hex');
}
