import { Liquid, type LiquidOptions } from 'liquidjs';

/**
 * Strict: an undefined variable or filter is an error, never a blank. `lenientIf` keeps one escape hatch that
 * marketers know from other tools: `{% if profile.traits.firstName %}` and `| default: "there"` may test a
 * missing value without failing. Partials are off (no `include`/`render` from the filesystem), so a template
 * is exactly its file, and the limits bound what one hostile or broken template can cost.
 */
const OPTIONS: LiquidOptions = {
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
  templates: {},
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
};

/** For everything but HTML: values are output as they are. */
export const textLiquid = new Liquid(OPTIONS);

/** For HTML bodies: every output is HTML-escaped, so a trait holding markup cannot inject it. */
export const htmlLiquid = new Liquid({ ...OPTIONS, outputEscape: 'escape' });
