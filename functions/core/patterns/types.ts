/**
 * The compiled form of an EventBridge event pattern. Built once by `compilePattern` (pattern.ts) and walked by
 * `matchNode` (match.ts) for every event, so everything that can be decided from the pattern alone (operator
 * shapes, regexes, CIDR ranges, comparable numbers) is decided here, at compile time.
 */

/** One problem in a pattern; `path` is the location inside the pattern JSON, e.g. ['detail','price',0,'numeric']. */
export type PatternProblem = { path: (string | number)[]; message: string };

/** A test of one scalar event value (string, number, boolean or null) against one operator. */
export type ScalarTest = (value: unknown) => boolean;

/** A field whose pattern value is a list: `"state": ["running", {"prefix": "stop"}]`. */
export type Leaf = {
  readonly key: string;
  /** The key's parts when it holds dots (`"state.status"`), which EventBridge joins with nested fields; else null. */
  readonly segments: readonly string[] | null;
  /** `{"exists": true}` is among the values. */
  readonly existsTrue: boolean;
  /** `{"exists": false}` is among the values. */
  readonly existsFalse: boolean;
  /** Plain strings in the list, for an O(1) exact match. */
  readonly strings: ReadonlySet<string> | null;
  /** Plain numbers in the list, compared by value. */
  readonly numbers: ReadonlySet<number> | null;
  /** The same numbers as comparable keys (six decimals, see numbers.ts), so 3.018e2 matches 301.8. */
  readonly numberKeys: ReadonlySet<number> | null;
  readonly matchTrue: boolean;
  readonly matchFalse: boolean;
  readonly matchNull: boolean;
  /** Every operator other than `exists`, in pattern order. */
  readonly tests: readonly ScalarTest[];
};

/** A field whose pattern value is an object: `"detail": { ... }`. */
export type Child = {
  readonly key: string;
  /** As Leaf.segments. */
  readonly segments: readonly string[] | null;
  readonly node: ObjectNode;
};

/** A leaf of plain strings only: `"detail-type": ["Order Completed"]`. */
export type StringsLeaf = Leaf & { readonly strings: ReadonlySet<string> };

/** A pattern object: every leaf, every child and one member of every `$or` group must match the same object. */
export type ObjectNode = {
  readonly leaves: readonly Leaf[];
  /**
   * The leaves among `leaves` of plain strings only (no operator, no other kind of value) whose names hold no
   * dot. Such a leaf can only match the object's own value under its name: names joined from dotted ones only
   * ever add objects there, which hold no scalar (dotted.ts). So a value missing there, or a string not in the
   * list, refuses the object before its names are looked through for dots (match.ts, exactLeavesHold).
   */
  readonly exact: readonly StringsLeaf[];
  readonly children: readonly Child[];
  readonly ors: readonly (readonly ObjectNode[])[];
};

/** The key under which a compiled pattern keeps its tree; not exported from index.ts, so callers cannot forge one. */
export const ROOT: unique symbol = Symbol('cairn.compiledPattern');

/** A validated pattern, ready to match many events. Opaque to callers. */
export type CompiledPattern = { readonly [ROOT]: ObjectNode };
