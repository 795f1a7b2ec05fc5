import * as z from 'zod';

/**
 * A leaf schema of the journey language (a step id, a duration, an enum) built on first use rather than at
 * import: the engine functions load these modules and parse nothing with them at their cold start, where
 * building them cost about 12 M instructions of zod (docs/benchmarks.md, "Function bundles").
 *
 * Described at a place of use (`StepId.describe('...')`), the description goes inside the lazy schema: zod writes
 * a lazy schema's own description before the keywords of what it wraps, and the generated JSON Schemas
 * (`npm run schema`) have always had it after them, as for the leaf built at import.
 */
export function leaf<Schema extends z.ZodType>(build: () => Schema): z.ZodLazy<Schema> {
  const lazy = z.lazy(build);
  lazy.describe = (description) => leaf(() => lazy.unwrap().describe(description));
  return lazy;
}
