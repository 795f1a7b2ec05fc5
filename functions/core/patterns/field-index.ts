import { type CompiledPattern, ROOT } from './types.ts';

/**
 * The strings a top-level field must equal for the pattern to match a string there: the field's plain string
 * values, when the field is written with plain strings only (`"detail-type": ["Order Completed"]`), outside any
 * `$or`. Undefined when the pattern leaves the field open or tests it otherwise (an operator, a number, exists).
 */
export function requiredStrings(pattern: CompiledPattern, field: string): ReadonlySet<string> | undefined {
  const leaf = pattern[ROOT].leaves.find((l) => l.key === field && l.segments === null);
  if (!leaf?.strings) return undefined;
  const onlyStrings =
    leaf.tests.length === 0 &&
    !leaf.existsTrue &&
    !leaf.existsFalse &&
    leaf.numbers === null &&
    !leaf.matchTrue &&
    !leaf.matchFalse &&
    !leaf.matchNull;
  return onlyStrings ? leaf.strings : undefined;
}

/**
 * Items with patterns, indexed by the strings their patterns require of one top-level field (the events'
 * `detail-type`), so that an event is matched only against the patterns that can match it, in the items' own
 * order. It only narrows: each candidate is still matched (matchesPattern), so the matches are the same as
 * matching every pattern (test/core/patterns/field-index.test.ts).
 */
export class FieldIndex<T> {
  private readonly byValue = new Map<string, T[]>();
  private readonly open: T[] = [];
  private readonly all: readonly T[];

  constructor(
    items: readonly T[],
    patternOf: (item: T) => CompiledPattern,
    private readonly field: string,
  ) {
    this.all = items;
    const values = new Set<string>();
    for (const item of items)
      for (const value of requiredStrings(patternOf(item), field) ?? []) values.add(value);
    for (const value of values)
      this.byValue.set(
        value,
        items.filter((item) => requiredStrings(patternOf(item), field)?.has(value) ?? true),
      );
    this.open = items.filter((item) => requiredStrings(patternOf(item), field) === undefined);
  }

  /**
   * The items whose pattern may match `event`, in their order. Narrowed only for an object holding the field
   * as a string of its own (an event's detail-type): anything else (a missing field, an array of events) may
   * match in ways the index does not follow, and gets every item.
   */
  candidates(event: unknown): readonly T[] {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return this.all;
    const value: unknown = Object.hasOwn(event, this.field) ? Reflect.get(event, this.field) : undefined;
    if (typeof value !== 'string') return this.all;
    return this.byValue.get(value) ?? this.open;
  }
}
