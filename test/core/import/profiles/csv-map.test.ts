import { describe, expect, it } from 'vitest';
import {
  type ColumnMap,
  mapCsvRow,
  resolveColumnMap,
} from '../../../../functions/core/import/profiles/csv-map.ts';

const HEADER = ['id', '__proto__', 'plan'];
/** A row as csvRows gives it: cells by header, the __proto__ cell an own field (rows.ts). */
const CELLS: Record<string, string> = JSON.parse('{"id": "c1", "__proto__": "legacy-value", "plan": "pro"}');

function mapped(map: ColumnMap) {
  const resolved = resolveColumnMap(map, HEADER);
  if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
  const result = mapCsvRow(CELLS, resolved.map);
  if (!result.ok) throw new Error(JSON.stringify(result.problem));
  return result.profile.attributes;
}

describe('a CSV column headed __proto__', () => {
  it('is refused, named, when it would become a trait of that name, saying how to map or ignore it', () => {
    // Act
    const resolved = resolveColumnMap({ userId: 'id' }, HEADER);

    // Assess
    expect(resolved.ok).toBe(false);
    const problems = resolved.ok ? [] : resolved.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('column "__proto__": a trait may not be named "__proto__"');
    expect(problems[0]).toContain('ignore: ["__proto__"]');
  });

  it('imports its cells under the trait the map names for it', () => {
    // Act
    const attributes = mapped({ userId: 'id', attributes: { legacy: '__proto__' } });

    // Assess
    expect(attributes).toEqual({ legacy: 'legacy-value', plan: 'pro' });
  });

  it('is left out when the map ignores it', () => {
    // Act
    const attributes = mapped({ userId: 'id', ignore: ['__proto__'] });

    // Assess
    expect(attributes).toEqual({ plan: 'pro' });
  });
});
