import type { Liquid, Template } from 'liquidjs';
import { CHANNELS, type ChannelParts, perChannel } from '../channels/index.ts';
import {
  didYouMean,
  formatPath,
  type PathSegment,
  type Problem,
  sortProblems,
} from '../diagnostics/problem.ts';
import { parseSource } from '../diagnostics/yaml-source.ts';
import { savedNames } from '../journeys/checks.ts';
import { Channel, type Journey } from '../journeys/schema.ts';
import { lifecycleView } from '../lifecycle/lifecycle.ts';
import { emptyProfile } from '../profile/profile.ts';
import { htmlLiquid, liquidLibrary, textLiquid } from './liquid.ts';
import { type LoadedTemplate, positionInFile } from './load.ts';
import type { TemplateVariant } from './schema.ts';
import { KNOWN_FIELDS, VARIABLE_ROOTS } from './variables.ts';

/** A field map: `null` for an open map (any key is fine), a nested map for an object with known fields. */
type Fields = { [key: string]: Fields | null | true };

/**
 * The fields of the profile view, taken from the view itself so the check cannot drift from it. `traits` is
 * whatever the app sends; `rfm` and `reachable` have fixed fields.
 */
function profileFields(): Fields {
  const fields: Fields = {};
  for (const key of Object.keys(lifecycleView('', emptyProfile(), undefined, 0))) fields[key] = true;
  fields.traits = null;
  fields.reachable = perChannel((): true => true);
  fields.rfm = { r: true, f: true, m: true, score: true };
  return fields;
}

const ROOT_FIELDS: Fields = {
  profile: profileFields(),
  event: KNOWN_FIELDS.event,
  journey: KNOWN_FIELDS.journey,
  message: KNOWN_FIELDS.message,
  // Any name a call step saves (saveAs); whether one does is the journey validator's check.
  saved: null,
  unsubscribeUrl: true,
};

type Part = { path: PathSegment[]; liquid: string; engine: Liquid };

const ENGINES = { text: textLiquid, html: htmlLiquid };

/** The Liquid texts of one channel's part of a variant, as its descriptor lists them. */
function channelParts<C extends Channel>(channel: C, variant: ChannelParts, prefix: PathSegment[]): Part[] {
  const parts = variant[channel];
  if (parts === undefined) return [];
  return CHANNELS[channel].liquidParts(parts).map((part) => ({
    path: [...prefix, channel, ...part.path],
    liquid: part.liquid,
    engine: ENGINES[part.engine](),
  }));
}

/** Every Liquid text of a template, default content and locale variants, with its path in the file. */
function partsOf(template: LoadedTemplate): Part[] {
  const parts: Part[] = [];
  const add = (variant: TemplateVariant, prefix: PathSegment[]) => {
    for (const channel of Channel.options) parts.push(...channelParts(channel, variant, prefix));
  };
  add(template.template, []);
  for (const [locale, variant] of Object.entries(template.template.locales ?? {}))
    add(variant, ['locales', locale]);
  return parts;
}

/** What is wrong with one reference, e.g. `profile.trait.firstName`, or undefined when it is known. */
export function checkReference(segments: readonly unknown[]): string | undefined {
  const [root] = segments;
  if (typeof root !== 'string') return undefined;
  if (!(root in ROOT_FIELDS))
    return `unknown variable "${root}"; templates can use ${VARIABLE_ROOTS.join(', ')}${didYouMean(root, VARIABLE_ROOTS)}`;
  let fields: Fields | null | true | undefined = ROOT_FIELDS[root];
  const path = [root];
  for (const segment of segments.slice(1)) {
    // A computed segment (`traits[key]`) or a number cannot be checked here; what follows neither.
    if (typeof segment !== 'string' || fields === null || fields === true || fields === undefined) return;
    const next: Fields | null | true | undefined = fields[segment];
    if (next === undefined) {
      const known = Object.keys(fields).sort();
      const name = `unknown field "${[...path, segment].join('.')}"`;
      if (root === 'event' && segment === 'detail')
        return `${name}; the event's properties are "event.properties"`;
      const hint = didYouMean(segment, known);
      return hint ? `${name}${hint}` : `${name}; ${path.join('.')} has ${known.join(', ')}`;
    }
    path.push(segment);
    fields = next;
  }
  return undefined;
}

/**
 * The static check of every template: Liquid syntax, unknown filters, and every variable reference against
 * the variables a send provides, each at the file:line:column of the reference.
 */
export function checkTemplates(templates: Iterable<LoadedTemplate>): Problem[] {
  const problems: Problem[] = [];
  for (const template of templates) {
    for (const part of partsOf(template)) {
      const problem = (row: number, col: number, message: string): Problem => ({
        file: template.file,
        ...positionInFile(template, part.path, part.liquid, row, col),
        path: formatPath(part.path),
        message,
      });
      let parsed: Template[];
      try {
        parsed = part.engine.parse(part.liquid);
      } catch (error) {
        const [row, col] = liquidPosition(error);
        problems.push(problem(row, col, `template error: ${liquidMessage(error)}`));
        continue;
      }
      const { globals } = part.engine.analyzeSync(parsed, { partials: false });
      for (const variables of Object.values(globals)) {
        for (const variable of variables) {
          const message = checkReference(variable.segments);
          if (message) problems.push(problem(variable.location.row, variable.location.col, message));
        }
      }
    }
  }
  return sortProblems(problems);
}

/**
 * Every send step of the journey names a template that exists and has default content for each of the step's
 * channels (a locale variant alone would leave other customers without a message).
 */
export function checkJourneyTemplates(
  journeyFile: { file: string; text: string },
  journey: Journey,
  templates: ReadonlyMap<string, LoadedTemplate>,
  templatesDir: string,
): Problem[] {
  const source = parseSource(journeyFile.text);
  const problems: Problem[] = [];
  const saved = savedNames(journey.steps);
  journey.steps.forEach((step, index) => {
    if (step.type === 'call' && 'http' in step && step.http.body !== undefined)
      problems.push(
        ...checkCallBody(step.http.body, ['steps', index, 'http', 'body'], saved, journeyFile.file, source),
      );
    if (step.type !== 'send') return;
    const path = ['steps', index, 'template'];
    const at = (message: string): Problem => ({
      file: journeyFile.file,
      ...source.positionOf(path),
      path: formatPath(path),
      message,
    });
    const template = templates.get(step.template);
    if (!template) {
      problems.push(
        at(
          `no template "${step.template}" in ${templatesDir}${didYouMean(step.template, [...templates.keys()])}`,
        ),
      );
      return;
    }
    const channels = Array.isArray(step.channel) ? step.channel : [step.channel];
    for (const channel of channels) {
      if (!template.template[channel])
        problems.push(at(`template "${step.template}" has no ${channel} content (${template.file})`));
    }
    for (const read of savedReads(template))
      if (!saved.has(read.name))
        problems.push(
          at(
            `template "${step.template}" reads saved.${read.name} (${read.where}), which no call step of this journey saves (saveAs)`,
          ),
        );
  });
  return problems;
}

/** The roots a call's body may use: a message's, but `message` and `unsubscribeUrl` (runtime calls/render.ts). */
const CALL_ROOTS = new Set(['profile', 'event', 'journey', 'saved']);

/**
 * A call step's HTTP body: Liquid syntax, the variables it may use, and the saved fields it reads, at the
 * journey file's line and column of the body.
 */
function checkCallBody(
  body: string,
  path: PathSegment[],
  saved: ReadonlySet<string>,
  file: string,
  source: ReturnType<typeof parseSource>,
): Problem[] {
  const at = (message: string): Problem => ({
    file,
    ...source.positionOf(path),
    path: formatPath(path),
    message,
  });
  let parsed: Template[];
  try {
    parsed = textLiquid().parse(body);
  } catch (error) {
    return [at(`template error: ${liquidMessage(error)}`)];
  }
  const problems: Problem[] = [];
  for (const variable of Object.values(
    textLiquid().analyzeSync(parsed, { partials: false }).globals,
  ).flat()) {
    const [root, name] = variable.segments;
    if (typeof root !== 'string') continue;
    if (!CALL_ROOTS.has(root))
      problems.push(
        at(`unknown variable "${root}" in the body; a call can use ${[...CALL_ROOTS].join(', ')}`),
      );
    else if (root === 'saved' && typeof name === 'string' && !saved.has(name))
      problems.push(at(`the body reads saved.${name}, which no call step of this journey saves (saveAs)`));
    else if (root !== 'saved') {
      const message = checkReference(variable.segments);
      if (message) problems.push(at(message));
    }
  }
  return problems;
}

/** The `saved.<name>` references of a template, each with the file:line:col of its first use. */
function savedReads(template: LoadedTemplate): { name: string; where: string }[] {
  const reads = new Map<string, string>();
  for (const part of partsOf(template)) {
    let parsed: Template[];
    try {
      parsed = part.engine.parse(part.liquid);
    } catch {
      continue; // checkTemplates reports it
    }
    const { globals } = part.engine.analyzeSync(parsed, { partials: false });
    for (const variable of Object.values(globals).flat()) {
      const [root, name] = variable.segments;
      if (root !== 'saved' || typeof name !== 'string' || reads.has(name)) continue;
      const { row, col } = variable.location;
      const { line, column } = positionInFile(template, part.path, part.liquid, row, col);
      reads.set(name, `${template.file}:${line}:${column}`);
    }
  }
  return [...reads].map(([name, where]) => ({ name, where }));
}

function liquidPosition(error: unknown): [number, number] {
  if (!(error instanceof liquidLibrary().LiquidError)) return [1, 1];
  const [line, column] = error.token.getPosition();
  return [line ?? 1, column ?? 1];
}

/** liquidjs appends ", line:1, col:4" to its messages; the problem carries the position already. */
function liquidMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, line:\d+, col:\d+$/, '');
}
