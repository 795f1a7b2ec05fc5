import { ownField, setField } from '../collections/own-field.ts';
import type { Condition } from '../journeys/schema-parts.ts';
import type { Segment } from '../segments/schema.ts';
import { dimensionsExpr, type Mapped, type SegmentExpr } from './dimensions.ts';
import type { UniqueIds } from './names.ts';
import type { ObjectFindings } from './report.ts';
import type { PinpointSegment, SegmentGroup } from './source.ts';
import { recordOf } from './witness.ts';

/** A segment file's content, without defaults filled in. */
export type SegmentOut = Pick<Segment, 'id' | 'name'> &
  Partial<Pick<Segment, 'description' | 'when' | 'include' | 'exclude'>>;

const EVERYONE: Condition = { profile: { userId: [{ exists: true }] } };

type Pattern = Record<string, unknown>;

/** Deep-merges two patterns; undefined when both name the same field (then they stay apart). */
function mergePatterns(a: Pattern, b: Pattern): Pattern | undefined {
  const out: Pattern = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = ownField(out, key);
    if (mine === undefined) setField(out, key, value);
    else if (isPattern(mine) && isPattern(value)) {
      const merged = mergePatterns(mine, value);
      if (!merged) return undefined;
      setField(out, key, merged);
    } else return undefined;
  }
  return out;
}

function isPattern(value: unknown): value is Pattern {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Two conditions as one (all parts must hold), when they do not both say the same part. */
function mergeConditions(a: Condition, b: Condition): Condition | undefined {
  const profile = a.profile && b.profile ? mergePatterns(a.profile, b.profile) : (a.profile ?? b.profile);
  if (a.profile && b.profile && !profile) return undefined;
  if ((a.history && b.history) || (a.segment && b.segment) || (a.stages && b.stages)) return undefined;
  const merged: Condition = { ...a, ...b };
  if (profile) merged.profile = profile;
  return merged;
}

/**
 * Writes expressions as segment files: the main one under its own id, and helper segments (`<id>-<what they hold>`) where
 * a NOT, an OR inside an AND or an AND of segments needs one. Exact: a Cairn segment is `when AND (any of
 * include) AND NOT (any of exclude)`.
 */
export class SegmentWriter {
  readonly files: SegmentOut[] = [];

  constructor(private readonly ids: UniqueIds) {}

  /** Emits the expression as the segment `id`; returns it. */
  write(id: string, name: string, description: string, expr: SegmentExpr): string {
    const body = this.bodyOf(id, expr);
    this.files.push({ id, name, ...(description ? { description } : {}), ...body });
    return id;
  }

  /**
   * A segment id that holds exactly the expression's members (a helper when it is not a reference), named
   * after the owner and what it holds: `vip-plan`, or `vip-excluded-plan` for a part the owner leaves out.
   */
  private idOf(owner: string, expr: SegmentExpr, excluded = false): string {
    if (expr.kind === 'ref') return expr.id;
    const words = describe(expr);
    // A long description (groups of groups) gives way to the kind of part, so that ids stay readable.
    const what = words.length <= 30 ? words : `${expr.kind === 'when' ? 'condition' : expr.kind}-of-parts`;
    const part = `${excluded ? 'excluded-' : ''}${what}`;
    const id = this.ids.take(`${owner}-${part}`);
    this.write(
      id,
      `${owner}: ${excluded ? 'left out, ' : ''}${what.replaceAll('-', ' ')}`,
      `A part of segment ${owner}${excluded ? ' (its members are left out of it)' : ''}, written by cairn pinpoint import.`,
      expr,
    );
    return id;
  }

  private bodyOf(owner: string, expr: SegmentExpr): Omit<SegmentOut, 'id' | 'name' | 'description'> {
    switch (expr.kind) {
      case 'when':
        return { when: expr.condition };
      case 'ref':
        return { include: [expr.id] };
      case 'any':
        return { include: expr.items.map((item) => this.idOf(owner, item)) };
      case 'none':
        return { when: EVERYONE, exclude: expr.items.map((item) => this.idOf(owner, item, true)) };
      case 'all':
        return this.allOf(owner, expr.items);
    }
  }

  private allOf(
    owner: string,
    items: readonly SegmentExpr[],
  ): Omit<SegmentOut, 'id' | 'name' | 'description'> {
    let condition: Condition | undefined;
    const exclude: string[] = [];
    const rest: SegmentExpr[] = [];
    for (const item of items) {
      if (item.kind === 'none') exclude.push(...item.items.map((i) => this.idOf(owner, i, true)));
      else if (item.kind === 'when') {
        const merged = condition ? mergeConditions(condition, item.condition) : item.condition;
        if (merged) condition = merged;
        else rest.push(item);
      } else rest.push(item);
    }
    const [first, ...others] = rest;
    const includeIds =
      first === undefined
        ? []
        : first.kind === 'any'
          ? first.items.map((i) => this.idOf(owner, i))
          : [this.idOf(owner, first)];
    // The further positive parts are one segment condition (a helper holding all of them).
    if (others.length > 0) {
      const [only, ...more] = others;
      const segment = this.idOf(owner, only && more.length === 0 ? only : { kind: 'all', items: others });
      const merged = condition ? mergeConditions(condition, { segment }) : { segment };
      condition = merged ?? {
        segment: this.idOf(owner, {
          kind: 'all',
          items: [{ kind: 'when', condition: condition ?? EVERYONE }, ...others],
        }),
      };
    }
    if (!condition && includeIds.length === 0) condition = EVERYONE;
    return {
      ...(condition ? { when: condition } : {}),
      ...(includeIds.length > 0 ? { include: includeIds } : {}),
      ...(exclude.length > 0 ? { exclude } : {}),
    };
  }
}

/** Expressions combined: one alone is itself, except under NONE. */
function combined(kind: 'all' | 'any' | 'none', items: SegmentExpr[]): SegmentExpr {
  const [only, ...more] = items;
  return only && more.length === 0 && kind !== 'none' ? only : { kind, items };
}

/** What an expression holds, in a few words for a helper segment's id: `plan`, `email-or-sms`, `activity`. */
function describe(expr: SegmentExpr): string {
  switch (expr.kind) {
    case 'ref':
      return expr.id;
    case 'when':
      return conditionWords(expr.condition);
    case 'none':
      return `not-${expr.items.map(describe).join('-or-')}`;
    case 'any':
      return expr.items.map(describe).join('-or-');
    case 'all':
      return expr.items.map(describe).join('-and-');
  }
}

/** The fields a condition reads: the last key of each profile path (`traits.plan` is `plan`), or its kind. */
function conditionWords(condition: Condition): string {
  if (condition.history) return 'activity';
  if (condition.segment) return condition.segment;
  const leaves: string[] = [];
  const visit = (pattern: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(pattern)) {
      if (key === '$or' && Array.isArray(value)) for (const part of value) visit(recordOf(part));
      else if (Array.isArray(value)) leaves.push(key);
      else visit(recordOf(value));
    }
  };
  visit(condition.profile ?? {});
  return leaves.length > 0 ? [...new Set(leaves)].join('-') : 'everyone';
}

/** How a segment group's members are found: its source segments, then its dimension filters (Type). */
function groupExpr(
  group: SegmentGroup,
  where: string,
  segmentIds: ReadonlyMap<string, string>,
  findings: ObjectFindings,
): Mapped {
  const sources = group.SourceSegments ?? [];
  const sourceIds = sources.map((s, i) => {
    const id = segmentIds.get(s.Id);
    if (id === undefined)
      findings.skip(`${where}.SourceSegments[${i}]`, `segment ${s.Id} is not in the export`);
    if (s.Version !== undefined)
      findings.change(
        `${where}.SourceSegments[${i}].Version`,
        'Cairn segments have no versions: the exported one is used',
      );
    return id;
  });
  const dims = (group.Dimensions ?? []).map((d, i) =>
    dimensionsExpr(d, `${where}.Dimensions[${i}]`, findings),
  );
  if (sourceIds.some((id) => id === undefined) || dims.some((d) => d === undefined)) return undefined;
  const refs: SegmentExpr[] = sourceIds.map((id) => ({ kind: 'ref', id: id ?? '' }));
  const filters = dims.filter((d): d is SegmentExpr => d !== undefined);
  const parts: SegmentExpr[] = [];
  if (refs.length > 0) parts.push(combined(group.SourceType === 'ALL' ? 'all' : 'any', refs));
  if (filters.length > 0) {
    const type = group.Type ?? 'ALL';
    parts.push(combined(type === 'ANY' ? 'any' : type === 'NONE' ? 'none' : 'all', filters));
  }
  if (parts.length === 0) return { kind: 'when', condition: EVERYONE };
  return parts.length === 1 ? parts[0] : { kind: 'all', items: parts };
}

/** A Pinpoint segment as an expression, or undefined when a part of it has no Cairn equivalent. */
export function segmentExpr(
  segment: PinpointSegment,
  listName: string,
  segmentIds: ReadonlyMap<string, string>,
  findings: ObjectFindings,
): Mapped {
  if (segment.SegmentType === 'IMPORT') {
    findings.map('ImportDefinition', `an imported segment becomes the static list "${listName}"`);
    findings.change(
      'ImportDefinition.S3Url',
      `the members are the customers imported with \`cairn import profiles FILE --format pinpoint --list ${listName}\` (docs/migrating-from-pinpoint.md)`,
    );
    return { kind: 'when', condition: { profile: { lists: [listName] } } };
  }
  const parts: Mapped[] = [];
  if (segment.Dimensions) parts.push(dimensionsExpr(segment.Dimensions, 'Dimensions', findings));
  const groups = segment.SegmentGroups;
  if (groups?.Groups && groups.Groups.length > 0) {
    const each = groups.Groups.map((g, i) =>
      groupExpr(g, `SegmentGroups.Groups[${i}]`, segmentIds, findings),
    );
    if (each.some((g) => g === undefined)) parts.push(undefined);
    else {
      const items = each.filter((g): g is SegmentExpr => g !== undefined);
      const kind = groups.Include === 'ALL' ? 'all' : groups.Include === 'NONE' ? 'none' : 'any';
      parts.push(combined(kind, items));
      findings.map('SegmentGroups', `groups combined with Include ${groups.Include}`);
    }
  }
  if (parts.some((p) => p === undefined)) return undefined;
  const defined = parts.filter((p): p is SegmentExpr => p !== undefined);
  if (defined.length === 0) return { kind: 'when', condition: EVERYONE };
  findings.change(
    'SegmentType',
    'Pinpoint segments select endpoints; Cairn segments select customers, whose endpoints merge into one profile',
  );
  return defined.length === 1 ? defined[0] : { kind: 'all', items: defined };
}
