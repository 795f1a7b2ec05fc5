import { cyclesOf } from '../collections/strongly-connected.ts';
import { didYouMean, type PathSegment } from '../diagnostics/problem.ts';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { compilePattern } from '../patterns/index.ts';
import { STEP_KINDS, stepKindOf } from '../steps/index.ts';
import type { RawStepKind, StepEdge } from '../steps/kind.ts';

/** A finding of the checks that a schema cannot express; located by path, like schema problems. */
export type Finding = { path: PathSegment[]; message: string };

/** A step as the checks see it: where it is, its raw value, its kind (if its `type` names one), its edges. */
type StepNode = {
  index: number;
  raw: unknown;
  id: string | undefined;
  kind: RawStepKind | undefined;
  /** The step ids it goes to, with paths from the document's root. */
  edges: StepEdge[];
};

/**
 * Checks a journey document for what the schema cannot see: the step graph, what each step kind checks
 * (split shares...) and the validity of every pattern. It reads the raw document defensively, so
 * these problems are reported together with schema problems instead of only after those are fixed. What it
 * knows of a step (its edges, whether it waits, its checks and patterns) comes from the step's kind
 * (functions/core/steps/).
 */
export function checkJourney(document: unknown): Finding[] {
  const steps = stepNodes(valueAt(document, ['steps']));
  return [
    ...checkStepIds(steps),
    ...checkReferences(document, steps),
    ...checkReachability(document, steps),
    ...checkCyclesWithoutWait(steps),
    ...checkStepKinds(steps),
    ...checkPatterns(document, steps),
    ...checkEngagements(document, steps),
    ...checkSavedReads(steps),
  ];
}

/** The names the journey's call steps save (`saveAs`), read from the raw steps. */
export function savedNames(steps: readonly unknown[]): Set<string> {
  const names = new Set<string>();
  for (const step of steps) {
    const saveAs = valueAt(step, ['saveAs']);
    if (valueAt(step, ['type']) === 'call' && typeof saveAs === 'object' && saveAs !== null)
      for (const name of Object.keys(saveAs)) names.add(name);
  }
  return names;
}

/** Every `saved` field a branch condition reads is saved by some call step of the journey. */
function checkSavedReads(steps: StepNode[]): Finding[] {
  const names = savedNames(steps.map((s) => s.raw));
  const findings: Finding[] = [];
  for (const step of steps) {
    const branches = valueAt(step.raw, ['branches']);
    if (valueAt(step.raw, ['type']) !== 'branch' || !Array.isArray(branches)) continue;
    branches.forEach((_, i) => {
      const path: PathSegment[] = ['branches', i, 'when', 'saved'];
      const saved = valueAt(step.raw, path);
      if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return;
      for (const name of Object.keys(saved)) {
        if (names.has(name)) continue;
        const hint = didYouMean(name, [...names]);
        const saving =
          names.size > 0 ? `; the call steps save ${[...names].join(', ')}` : '; no call step saves any';
        findings.push({
          path: ['steps', step.index, ...path, name],
          message: `saved field "${name}" is saved by no call step of this journey (saveAs)${hint || saving}`,
        });
      }
    });
  }
  return findings;
}

function stepNodes(raw: unknown): StepNode[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((step: unknown, index): StepNode => {
    const kind = stepKindOf(valueAt(step, ['type']));
    const edges = (kind ? kind.edges(step) : anyKindsEdges(step)).map((edge) => ({
      path: ['steps', index, ...edge.path],
      target: edge.target,
    }));
    return { index, raw: step, id: stringAt(step, ['id']), kind, edges };
  });
}

/**
 * The edges of a step whose type is missing or unknown: those of every kind, so that one wrong type does not
 * also make the steps after it unreachable.
 */
function anyKindsEdges(step: unknown): StepEdge[] {
  const byPath = new Map<string, StepEdge>();
  for (const kind of STEP_KINDS)
    for (const edge of kind.edges(step)) byPath.set(JSON.stringify(edge.path), edge);
  return [...byPath.values()];
}

function checkStepIds(steps: StepNode[]): Finding[] {
  const firstIndex = new Map<string, number>();
  const findings: Finding[] = [];
  for (const step of steps) {
    if (step.id === undefined) continue;
    const first = firstIndex.get(step.id);
    if (first === undefined) firstIndex.set(step.id, step.index);
    else
      findings.push({
        path: ['steps', step.index, 'id'],
        message: `duplicate step id "${step.id}" (already used by steps[${first}])`,
      });
  }
  return findings;
}

function knownIds(steps: StepNode[]): string[] {
  return steps.flatMap((s) => (s.id === undefined ? [] : [s.id]));
}

function checkReferences(document: unknown, steps: StepNode[]): Finding[] {
  const ids = knownIds(steps);
  const known = new Set(ids);
  const references: StepEdge[] = steps.flatMap((s) => s.edges);
  const start = stringAt(document, ['start']);
  if (start !== undefined) references.push({ path: ['start'], target: start });
  return references
    .filter((ref) => !known.has(ref.target))
    .map((ref) => ({
      path: ref.path,
      message: `unknown step "${ref.target}"${didYouMean(ref.target, ids)}`,
    }));
}

function startId(document: unknown, steps: StepNode[]): string | undefined {
  return stringAt(document, ['start']) ?? steps[0]?.id;
}

function checkReachability(document: unknown, steps: StepNode[]): Finding[] {
  const start = startId(document, steps);
  const byId = new Map<string, StepNode>();
  for (const s of steps) if (s.id !== undefined && !byId.has(s.id)) byId.set(s.id, s);
  if (start === undefined || !byId.has(start)) return [];
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const edge of byId.get(id)?.edges ?? []) {
      if (!seen.has(edge.target) && byId.has(edge.target)) {
        seen.add(edge.target);
        queue.push(edge.target);
      }
    }
  }
  return steps
    .filter((s) => s.id !== undefined && !seen.has(s.id) && byId.get(s.id) === s)
    .map((s) => ({
      path: ['steps', s.index, 'id'],
      message: `step "${s.id}" is unreachable from the start step "${start}"`,
    }));
}

/**
 * A cycle through steps that never wait would loop forever within one event. Tarjan's strongly connected
 * components over the graph without its wait steps finds every such cycle once.
 */
function checkCyclesWithoutWait(steps: StepNode[]): Finding[] {
  const nodes = new Map(
    steps.flatMap((s) => (s.id !== undefined && !s.kind?.waits ? [[s.id, s] as const] : [])),
  );
  return cyclesOf(nodes.keys(), (id) => (nodes.get(id)?.edges ?? []).map((e) => e.target)).flatMap(
    (component) => {
      const first = nodes.get(component[0] ?? '');
      if (!first) return [];
      return [
        {
          path: ['steps', first.index],
          message: `cycle with no wait step: ${[...component, component[0]].join(' -> ')}; add a wait step to the loop`,
        },
      ];
    },
  );
}

/** What each step's kind checks about it alone (split shares...). */
function checkStepKinds(steps: StepNode[]): Finding[] {
  return steps.flatMap((s) =>
    (s.kind?.check?.(s.raw) ?? []).map((finding) => ({
      path: ['steps', s.index, ...finding.path],
      message: finding.message,
    })),
  );
}

function patternPaths(document: unknown, steps: StepNode[]): PathSegment[][] {
  const paths: PathSegment[][] = [
    ['trigger', 'event'],
    ['audience', 'profile'],
    ['audience', 'trigger'],
    ['audience', 'history', 'event'],
    ['goal', 'pattern'],
  ];
  const exits = valueAt(document, ['exit']);
  if (Array.isArray(exits)) for (let i = 0; i < exits.length; i++) paths.push(['exit', i, 'pattern']);
  for (const s of steps) {
    // A step of no known kind may hold any kind's patterns: check them all, as for its edges.
    const kinds = s.kind ? [s.kind] : STEP_KINDS;
    for (const kind of kinds)
      for (const path of kind.patterns?.(s.raw) ?? []) paths.push(['steps', s.index, ...path]);
  }
  return paths;
}

function checkPatterns(document: unknown, steps: StepNode[]): Finding[] {
  return patternPaths(document, steps).flatMap((path) => {
    const pattern = valueAt(document, path);
    if (pattern === undefined) return [];
    const compiled = compilePattern(pattern);
    if (compiled.ok) return [];
    return compiled.problems.map((p) => ({
      path: [...path, ...p.path],
      message: `invalid pattern: ${p.message}`,
    }));
  });
}

/**
 * Engagement is known of the messages an enrollment's send steps made: an engagement condition or wait must
 * name a send step of the journey, and an audience has no enrollment yet to have any.
 */
function checkEngagements(document: unknown, steps: StepNode[]): Finding[] {
  const findings: Finding[] = [];
  if (valueAt(document, ['audience', 'engagement']) !== undefined)
    findings.push({
      path: ['audience', 'engagement'],
      message:
        'an audience cannot test engagement: a customer entering has no messages from this journey yet; ' +
        'use engagement in a branch or a wait',
    });
  const ids = knownIds(steps);
  const byId = new Map(steps.flatMap((s) => (s.id === undefined ? [] : [[s.id, s] as const])));
  for (const s of steps) {
    for (const at of s.kind?.engagements?.(s.raw) ?? []) {
      const path = ['steps', s.index, ...at, 'step'];
      const target = valueAt(s.raw, [...at, 'step']);
      if (typeof target !== 'string') continue;
      const named = byId.get(target);
      if (!named)
        findings.push({
          path,
          message: `engagement of unknown step "${target}" (name a send step)${didYouMean(target, ids)}`,
        });
      else if (named.kind?.type !== 'send') {
        const type = String(valueAt(named.raw, ['type']));
        findings.push({
          path,
          message: `engagement of step "${target}", which is ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} step, not a send: only a send step's messages have engagement`,
        });
      }
    }
  }
  return findings;
}

function stringAt(value: unknown, path: readonly PathSegment[]): string | undefined {
  const found = valueAt(value, path);
  return typeof found === 'string' ? found : undefined;
}
