import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { Journey } from '../../core/journeys/schema.ts';
import { LifecycleConfig } from '../../core/lifecycle/config.ts';
import { Policies } from '../../core/policies/config.ts';
import { Segment } from '../../core/segments/schema.ts';
import { TemplateFile } from '../../core/templates/schema.ts';
import { COMPILED_FORMAT, digestOf } from './compiled-digest.ts';

// The compiled configuration's schema and its writer, used where it is compiled (`cdk synth`, the local stack,
// the CLI) and never by the functions: they trust the file by its digest (compiled-file.ts), so their bundles
// build none of these schemas on their cold start.

const Position = z.tuple([z.number().int().positive(), z.number().int().positive()]);

/** A template with what rendering needs of its file: the text, and where each value in it was written. */
export const CompiledTemplate = z.strictObject({
  id: z.string().min(1),
  file: z.string().min(1),
  text: z.string(),
  template: TemplateFile,
  /** The line and column of each value, by its path (`pathKey`), so render errors keep file:line:column. */
  positions: z.record(z.string(), Position),
});
export type CompiledTemplate = z.infer<typeof CompiledTemplate>;

export const CompiledConfig = z.strictObject({
  format: z.literal(COMPILED_FORMAT),
  /** The environment of policies.yaml and lifecycle.yaml it was compiled for; null for their base values. */
  environment: z.string().nullable(),
  journeys: z.array(Journey),
  /** The segments of segments/ beside the journeys (docs/audiences.md). */
  segments: z.array(Segment).default([]),
  lifecycle: LifecycleConfig.nullable(),
  policies: Policies,
  templates: z.array(CompiledTemplate),
});
export type CompiledConfig = z.infer<typeof CompiledConfig>;

/**
 * The text of the compiled configuration file: `compiled` as zod's output (defaults applied), and the digest of
 * its canonical text. What the functions take without parsing it again must be what the parse gives: so an
 * output that JSON would not carry as it is, or that a second parse would change, stops the compiler here.
 */
export function compiledConfigText(compiled: CompiledConfig): string {
  const configuration = CompiledConfig.parse(compiled);
  const canonical = JSON.stringify(configuration);
  const asRead: unknown = JSON.parse(canonical);
  if (JSON.stringify(asRead) !== canonical || !isDeepStrictEqual(CompiledConfig.parse(asRead), asRead))
    throw new Error(
      'the compiled configuration does not come back from JSON as the schema gives it: a schema turns a value into something JSON does not carry, or a second parse changes it',
    );
  return `{"sha256":"${digestOf(asRead)}","configuration":${canonical}}\n`;
}
