/**
 * Parts of the lifecycle view, each computed only when asked for. A pattern reads only the fields it names (the
 * top-level names of its fields, in `$or` too), so a view without the parts no rule names matches every rule as
 * the whole view does.
 */
export type ViewParts = {
  /** The profile view's fields (traits, stage, reachable...): profile/profile.ts, profileView. */
  profile: boolean;
  window30: boolean;
  window90: boolean;
  /** The 365-day totals, which the RFM scores read too. */
  window365: boolean;
  rfm: boolean;
  pAlive: boolean;
  expected: boolean;
};

/** No part: a stage rule that reads nothing new adds this very object (LifecycleClock.stageAt checks it). */
export const NO_PARTS: ViewParts = {
  profile: false,
  window30: false,
  window90: false,
  window365: false,
  rfm: false,
  pAlive: false,
  expected: false,
};

const PART_NAMES: readonly (keyof ViewParts)[] = [
  'profile',
  'window30',
  'window90',
  'window365',
  'rfm',
  'pAlive',
  'expected',
];

/** Every part: the whole view. */
export const WHOLE_VIEW: ViewParts = {
  profile: true,
  window30: true,
  window90: true,
  window365: true,
  rfm: true,
  pAlive: true,
  expected: true,
};

/** The view's own fields, each with the part that holds it; any other name is the profile view's. */
const DERIVED_FIELDS: Record<string, keyof ViewParts | undefined> = {
  daysSinceFirstSeen: undefined,
  daysSinceLastSeen: undefined,
  daysSinceFirstOrder: undefined,
  daysSinceLastOrder: undefined,
  orders: undefined,
  revenue: undefined,
  refunds: undefined,
  averageOrderValue: undefined,
  repeatDays: undefined,
  orders30d: 'window30',
  revenue30d: 'window30',
  orders90d: 'window90',
  revenue90d: 'window90',
  orders365d: 'window365',
  revenue365d: 'window365',
  rfm: 'rfm',
  pAlive: 'pAlive',
  expectedPurchases90d: 'expected',
};

/** The top-level names a pattern reads: its fields' first segments, in its `$or` members too. */
function fieldsRead(pattern: unknown, into: Set<string>): void {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) return;
  for (const [key, value] of Object.entries(pattern))
    if (key === '$or' && Array.isArray(value)) for (const member of value) fieldsRead(member, into);
    else into.add(key.split('.')[0] ?? key);
}

/** The parts of the view that patterns read. */
export function viewPartsRead(patterns: readonly unknown[]): ViewParts {
  const names = new Set<string>();
  for (const pattern of patterns) fieldsRead(pattern, names);
  const parts: ViewParts = { ...NO_PARTS };
  for (const name of names) {
    if (!Object.hasOwn(DERIVED_FIELDS, name)) parts.profile = true;
    const part = DERIVED_FIELDS[name];
    if (part) parts[part] = true;
  }
  // The RFM scores are made of the 365-day totals.
  if (parts.rfm) parts.window365 = true;
  return parts;
}

/** The parts `wanted` holds that `held` does not: NO_PARTS itself when none. */
export function partsAdded(held: ViewParts, wanted: ViewParts): ViewParts {
  const added = { ...NO_PARTS };
  let any = false;
  for (const part of PART_NAMES) {
    added[part] = wanted[part] && !held[part];
    any ||= added[part];
  }
  return any ? added : NO_PARTS;
}
