import { createRequire } from 'node:module';
import type { Liquid, LiquidOptions } from 'liquidjs';

type LiquidLibrary = typeof import('liquidjs');

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
  // Milliseconds of wall time, so it is the one limit whose verdict depends on the machine: at 1 s, a loaded
  // machine (or a long garbage collection) failed a plain template in one simulation and not in the next.
  // parseLimit and memoryLimit bound a hostile template the same way everywhere (a loop's range counts towards
  // memoryLimit); this only stops what slips past them.
  renderLimit: 10_000,
  memoryLimit: 10_000_000,
};

let library: LiquidLibrary | undefined;
let text: Liquid | undefined;
let html: Liquid | undefined;

/**
 * liquidjs, loaded on the first message or call rendered rather than when a function starts: deliver's
 * sends held by a policy, and every function that only bundles the template types, never pay for it
 * (docs/benchmarks.md, "Function bundles"). Rendering stays synchronous. `require` with the package's name
 * written out is what esbuild bundles as a module evaluated on first call; where ESM runs without it (tsx),
 * Node's own `createRequire` loads the same package.
 */
export function liquidLibrary(): LiquidLibrary {
  library ??=
    typeof require === 'function' ? require('liquidjs') : createRequire(import.meta.url)('liquidjs');
  if (!library) throw new Error('liquidjs did not load');
  return library;
}

/** For everything but HTML: values are output as they are. */
export function textLiquid(): Liquid {
  text ??= new (liquidLibrary().Liquid)(OPTIONS);
  return text;
}

/** For HTML bodies: every output is HTML-escaped, so a trait holding markup cannot inject it. */
export function htmlLiquid(): Liquid {
  html ??= new (liquidLibrary().Liquid)({ ...OPTIONS, outputEscape: 'escape' });
  return html;
}
