import { describe, expect, it } from 'vitest';
import { splitCsvLine } from '../../../functions/core/import/index.ts';

describe('splitCsvLine', () => {
  it('splits on commas, keeping empty fields and spaces', () => {
    expect(splitCsvLine('536365,85123A, WHITE HANGING HEART ,,6')).toEqual([
      '536365',
      '85123A',
      ' WHITE HANGING HEART ',
      '',
      '6',
    ]);
    expect(splitCsvLine('')).toEqual(['']);
  });

  it('reads quoted fields holding commas and doubled quotes', () => {
    expect(splitCsvLine('1,"CAKESTAND, 3 TIER ""LARGE""",2')).toEqual([
      '1',
      'CAKESTAND, 3 TIER "LARGE"',
      '2',
    ]);
    expect(splitCsvLine('"",""""')).toEqual(['', '"']);
  });

  it('gives undefined for a quote left open', () => {
    expect(splitCsvLine('1,"OPEN, 2')).toBeUndefined();
  });
});
