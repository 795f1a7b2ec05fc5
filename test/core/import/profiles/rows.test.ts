import { describe, expect, it } from 'vitest';
import { csvRows, type Row } from '../../../../functions/core/import/profiles/index.ts';

async function rowsOf(text: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of csvRows(text, () => {})) rows.push(row);
  return rows;
}

describe('csvRows', () => {
  it('gives a column headed __proto__ as a cell like any other', async () => {
    // Prepare
    const text = 'id,__proto__,plan\nc1,legacy-value,pro\n';

    // Act
    const [row] = await rowsOf(text);

    // Assess
    const cells = row !== undefined && 'value' in row ? row.value : undefined;
    expect(Object.getPrototypeOf(cells)).toBe(Object.prototype);
    expect(JSON.stringify(cells)).toBe('{"id":"c1","__proto__":"legacy-value","plan":"pro"}');
  });
});
