import { createRequire } from 'node:module';
import type { Liquid, LiquidOptions, Template } from 'liquidjs';

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

/**
 * Parsed templates by engine and source text. A message renders the same few sources over and over, and
 * parsing one cost more than rendering it (a profile of `cairn simulate`: parsing 3.9% of its CPU time,
 * rendering 2.2%). A parsed template is only read by a render, so one serves every message. Bounded: past
 * MAX_PARSED sources (a catalog refreshed many times in one process), it starts again empty.
 */
const parsed = new WeakMap<Liquid, Map<string, Template[]>>();
const MAX_PARSED = 1_000;

/** `source` parsed by `engine`, once; a source that does not parse throws each time, as `engine.parse` does. */
export function parsedLiquid(engine: Liquid, source: string): Template[] {
  let sources = parsed.get(engine);
  if (!sources) {
    sources = new Map();
    parsed.set(engine, sources);
  }
  const known = sources.get(source);
  if (known) return known;
  const templates = engine.parse(source);
  if (sources.size >= MAX_PARSED) sources.clear();
  sources.set(source, templates);
  return templates;
}
