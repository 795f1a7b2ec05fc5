import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledPattern,
  compilePattern,
  matchesPattern,
  matchesPlainObject,
} from '../../../functions/core/patterns/index.ts';
import { type ObjectNode, ROOT } from '../../../functions/core/patterns/types.ts';

/**
 * A leaf of plain strings refuses an object whose own value is missing or another string before its dotted
 * names are joined (ObjectNode.exact, match.ts). Checked against the same pattern with no exact leaves, which
 * matches by the full walk alone.
 */

const word = fc.constantFrom('x', 'y', 'z', 'Order Completed');
const name = fc.constantFrom('a', 'b', 'detail-type');
const condition = fc.oneof(
  fc.array(word, { minLength: 1, maxLength: 3 }),
  word.map((w) => [w, 7]),
  word.map((w) => [{ prefix: w.slice(0, 1) }]),
  fc.boolean().map((exists) => [{ exists }]),
  word.map((w) => [w, { exists: false }]),
);
const flat = fc.dictionary(name, condition, { minKeys: 1, maxKeys: 3 });
const patternSource = fc.oneof(
  flat,
  flat.map((inner) => ({ detail: inner })),
  fc.tuple(flat, flat).map(([p, q]) => ({ $or: [p, q] })),
  fc.tuple(flat, flat).map(([p, q]) => ({ ...p, detail: q })),
);

const scalar = fc.oneof(word, fc.integer({ min: 0, max: 9 }), fc.constant(null), fc.boolean());
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ x: scalar }));
/** Objects with the pattern's names, given plainly, as lists, as objects, or as dotted names joined into them. */
const flatObject = fc.dictionary(
  fc.constantFrom('a', 'b', 'detail-type', 'a.x', 'detail-type.x', 'b.y'),
  value,
  {
    maxKeys: 4,
  },
);
const document = fc.oneof(
  flatObject,
  fc.tuple(flatObject, flatObject).map(([top, detail]) => ({ ...top, detail })),
  fc.tuple(flatObject, fc.array(flatObject, { maxLength: 2 })).map(([top, detail]) => ({ ...top, detail })),
);

function withoutExact(node: ObjectNode): ObjectNode {
  return {
    leaves: node.leaves,
    exact: [],
    children: node.children.map((child) => ({ ...child, node: withoutExact(child.node) })),
    ors: node.ors.map((members) => members.map(withoutExact)),
  };
}

function compiled(source: unknown): CompiledPattern | undefined {
  const result = compilePattern(source);
  return result.ok ? result.pattern : undefined;
}

describe('exact leaves', () => {
  it('match as the full walk does, on documents with dotted names, lists and nested objects', () => {
    fc.assert(
      fc.property(patternSource, document, (source, given) => {
        // Prepare
        const pattern = compiled(source);
        fc.pre(pattern !== undefined);
        if (!pattern) return;
        const full: CompiledPattern = { [ROOT]: withoutExact(pattern[ROOT]) };

        // Act
        const shortcut = matchesPattern(pattern, given);

        // Assess
        expect(shortcut).toBe(matchesPattern(full, given));
      }),
      { numRuns: 2000 },
    );
  });

  it('match a plain object as the full walk does', () => {
    fc.assert(
      fc.property(flat, fc.dictionary(name, value, { maxKeys: 3 }), (source, given) => {
        // Prepare
        const pattern = compiled(source);
        fc.pre(pattern !== undefined);
        if (!pattern) return;
        const full: CompiledPattern = { [ROOT]: withoutExact(pattern[ROOT]) };

        // Act
        const shortcut = matchesPlainObject(pattern, given);

        // Assess
        expect(shortcut).toBe(matchesPlainObject(full, given));
      }),
      { numRuns: 1000 },
    );
  });

  it('are the plain-string leaves of undotted names only', () => {
    // Prepare
    const pattern = compiled({
      'detail-type': ['Order Completed'],
      source: ['shop', { prefix: 's' }],
      'detail.kind': ['x'],
      flag: [true],
      detail: { state: ['on', 'off'] },
    });

    // Act
    const root = pattern?.[ROOT];

    // Assess
    expect(root?.exact.map((leaf) => leaf.key)).toEqual(['detail-type']);
    expect(root?.children[0]?.node.exact.map((leaf) => leaf.key)).toEqual(['state']);
  });
});
