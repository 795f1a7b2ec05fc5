import { setField } from '../collections/own-field.ts';
import type { Condition } from '../journeys/schema-parts.ts';
import { PROFILE_IMPORTED, STAGE_CHANGED } from '../profile/profile.ts';
import { SEGMENT_ENTERED, SEGMENT_EXITED } from '../segments/schema.ts';
import type { ObjectFindings } from './report.ts';
import type {
  AttributeDimension,
  EventDimensions,
  MetricDimension,
  SegmentDimensions,
  SetDimension,
} from './source.ts';

/**
 * Pinpoint's dimensions in Cairn's terms. A Pinpoint dimension set is an AND of filters, some of them negated
 * (EXCLUSIVE); Cairn conditions are EventBridge patterns, which have no NOT over a list of values (a trait with
 * several values matches `anything-but` when any one of them differs). So a dimension set becomes a segment
 * expression, whose `none` parts become `exclude`d helper segments (segments.ts): exact, never approximate.
 */
export type SegmentExpr =
  | { kind: 'when'; condition: Condition }
  | { kind: 'ref'; id: string }
  | { kind: 'all' | 'any' | 'none'; items: SegmentExpr[] };

type Pattern = Record<string, unknown>;

/** An expression, or undefined when a part of it has no Cairn equivalent (then said in the findings). */
export type Mapped = SegmentExpr | undefined;

const RECENCY: Record<string, string> = { HR_24: 'PT24H', DAY_7: 'P7D', DAY_14: 'P14D', DAY_30: 'P30D' };

/** Events a customer's own activity makes: every event but those Cairn itself emits about them. */
export const OWN_ACTIVITY: Pattern = {
  'detail-type': [{ 'anything-but': [PROFILE_IMPORTED, SEGMENT_ENTERED, SEGMENT_EXITED, STAGE_CHANGED] }],
};

const NUMERIC: Record<MetricDimension['ComparisonOperator'], string> = {
  GREATER_THAN: '>',
  LESS_THAN: '<',
  GREATER_THAN_OR_EQUAL: '>=',
  LESS_THAN_OR_EQUAL: '<=',
  EQUAL: '=',
};

const when = (profile: Pattern): SegmentExpr => ({ kind: 'when', condition: { profile } });

/** Nests a pattern under a dotted path: `traits.plan` and `["pro"]` give `{ traits: { plan: ["pro"] } }`. */
export function nest(path: readonly string[], leaf: unknown): Pattern {
  const [head, ...rest] = path;
  if (head === undefined) throw new Error('nest: empty path');
  return { [head]: rest.length === 0 ? leaf : nest(rest, leaf) };
}

function escapeWildcard(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\*/g, '\\*');
}

/**
 * The list of pattern values an attribute filter matches, or `exclusive` for its negation; undefined for the
 * date comparisons (BEFORE, AFTER, BETWEEN), which an EventBridge pattern cannot make on text.
 */
function attributeValues(dim: AttributeDimension): { values: unknown[]; negated: boolean } | undefined {
  switch (dim.AttributeType) {
    case 'INCLUSIVE':
      return { values: dim.Values, negated: false };
    case 'EXCLUSIVE':
      return { values: dim.Values, negated: true };
    case 'CONTAINS':
      return { values: dim.Values.map((v) => ({ wildcard: `*${escapeWildcard(v)}*` })), negated: false };
    case 'ON':
      return { values: dim.Values.map((v) => ({ prefix: v.slice(0, 10) })), negated: false };
    default:
      return undefined;
  }
}

function attributeExpr(
  at: readonly string[],
  dim: AttributeDimension,
  where: string,
  findings: ObjectFindings,
): Mapped {
  const mapped = attributeValues(dim);
  if (!mapped) {
    findings.skip(
      where,
      `${dim.AttributeType} compares dates, which a Cairn condition (an EventBridge pattern) cannot do on text`,
    );
    return undefined;
  }
  const positive = when(nest(at, mapped.values));
  return mapped.negated ? { kind: 'none', items: [positive] } : positive;
}

function setExpr(at: readonly string[], dim: SetDimension): SegmentExpr {
  const positive = when(nest(at, dim.Values));
  return dim.DimensionType === 'EXCLUSIVE' ? { kind: 'none', items: [positive] } : positive;
}

const CHANNEL_REACH: Record<string, string> = {
  EMAIL: 'email',
  SMS: 'sms',
  APNS: 'push',
  APNS_SANDBOX: 'push',
  GCM: 'push',
};

function channelExpr(dim: SetDimension, where: string, findings: ObjectFindings): Mapped {
  const unknown = dim.Values.filter((v) => CHANNEL_REACH[v] === undefined);
  if (unknown.length > 0) {
    findings.skip(where, `channel ${unknown.join(', ')}: Cairn sends email, SMS and push only`);
    return undefined;
  }
  const reach = [...new Set(dim.Values.map((v) => CHANNEL_REACH[v] ?? ''))];
  const alternatives = reach.map((channel) => ({ reachable: { [channel]: [true] } }));
  const pattern = alternatives.length === 1 ? (alternatives[0] ?? {}) : { $or: alternatives };
  findings.change(
    where,
    'a channel is now "the customer is reachable on it" (a valid address or an active device): Pinpoint ' +
      "selected endpoints of that channel, Cairn selects customers, whose endpoints' addresses merge into one profile",
  );
  const positive = when(pattern);
  return dim.DimensionType === 'EXCLUSIVE' ? { kind: 'none', items: [positive] } : positive;
}

function metricFilter(dim: MetricDimension): unknown[] {
  return [{ numeric: [NUMERIC[dim.ComparisonOperator], dim.Value] }];
}

/** A segment's dimensions (SegmentDimensions) as an expression over the profile view. */
export function dimensionsExpr(dims: SegmentDimensions, where: string, findings: ObjectFindings): Mapped {
  const parts: Mapped[] = [];
  for (const [name, dim] of Object.entries(dims.Attributes ?? {}))
    parts.push(attributeExpr(['traits', name], dim, `${where}.Attributes.${name}`, findings));
  for (const [name, dim] of Object.entries(dims.UserAttributes ?? {}))
    parts.push(attributeExpr(['traits', name], dim, `${where}.UserAttributes.${name}`, findings));
  if (dims.UserAttributes && dims.Attributes)
    findings.change(
      `${where}.UserAttributes`,
      'endpoint attributes and user attributes are both traits of the profile in Cairn (a user attribute wins)',
    );
  for (const [name, dim] of Object.entries(dims.Metrics ?? {}))
    parts.push(when(nest(['traits', 'metrics', name], metricFilter(dim))));
  const demographic = dims.Demographic ?? {};
  for (const [key, dim] of Object.entries(demographic)) {
    if (dim === undefined) continue;
    if (key === 'Channel') parts.push(channelExpr(dim, `${where}.Demographic.Channel`, findings));
    else {
      findings.skip(
        `${where}.Demographic.${key}`,
        'device details are not imported into Cairn profiles (docs/audiences.md, Pinpoint endpoint exports)',
      );
      parts.push(undefined);
    }
  }
  if (dims.Location?.Country) parts.push(setExpr(['traits', 'country'], dims.Location.Country));
  if (dims.Location?.GPSPoint) {
    findings.skip(`${where}.Location.GPSPoint`, 'Cairn profiles keep no coordinates');
    parts.push(undefined);
  }
  const recency = dims.Behavior?.Recency;
  if (recency) {
    const active = recency.RecencyType === 'ACTIVE';
    parts.push({
      kind: 'when',
      condition: {
        history: {
          event: OWN_ACTIVITY,
          within: RECENCY[recency.Duration] ?? 'P30D',
          ...(active ? { atLeast: 1 } : { atMost: 0 }),
        },
      },
    });
    findings.change(
      `${where}.Behavior.Recency`,
      'active means "sent an event of their own in the window" (history, counted from the events Cairn saw since it started): ' +
        'Pinpoint counted endpoint sessions and updates, including those before the migration',
    );
  }
  if (parts.some((p) => p === undefined)) return undefined;
  const defined = parts.filter((p): p is SegmentExpr => p !== undefined);
  if (defined.length === 0) return { kind: 'when', condition: { profile: { userId: [{ exists: true }] } } };
  return defined.length === 1 ? defined[0] : { kind: 'all', items: defined };
}

/** An event filter's dimensions as an EventBridge pattern on the customer event; undefined when one has none. */
export function eventPattern(
  dims: EventDimensions,
  where: string,
  findings: ObjectFindings,
): Pattern | undefined {
  const properties: Pattern = {};
  let complete = true;
  for (const [name, dim] of Object.entries(dims.Attributes ?? {})) {
    const mapped = attributeValues(dim);
    if (!mapped) {
      findings.skip(
        `${where}.Attributes.${name}`,
        `${dim.AttributeType} compares dates, which a pattern cannot`,
      );
      complete = false;
      continue;
    }
    setField(properties, name, mapped.negated ? [{ 'anything-but': mapped.values }] : mapped.values);
  }
  for (const [name, dim] of Object.entries(dims.Metrics ?? {})) setField(properties, name, metricFilter(dim));
  if (!complete) return undefined;
  const type = dims.EventType;
  return {
    ...(type
      ? {
          'detail-type': type.DimensionType === 'EXCLUSIVE' ? [{ 'anything-but': type.Values }] : type.Values,
        }
      : {}),
    ...(Object.keys(properties).length > 0 ? { detail: { properties } } : {}),
  };
}
