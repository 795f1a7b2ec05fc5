import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setYamlValue } from '../../../functions/core/diagnostics/yaml-edit.ts';

describe('setYamlValue', () => {
  it('replaces a value and keeps the comments and the other keys', () => {
    // Prepare
    const text = ['# heading', 'a: 1 # why a', 'model:', '  unit: days # old', 'z: [1, 2]', ''].join('\n');

    // Act
    const edited = setYamlValue(text, ['model'], { unit: 'weeks', params: { r: 0.5, alpha: 2 } }, true);

    // Assess
    expect(parse(edited)).toEqual({
      a: 1,
      model: { unit: 'weeks', params: { r: 0.5, alpha: 2 } },
      z: [1, 2],
    });
    expect(edited).toContain('# heading');
    expect(edited).toContain('a: 1 # why a');
    expect(edited).toContain('params: { r: 0.5, alpha: 2 }');
  });

  it('leaves every other section exactly as written, flow spacing and blank lines included', () => {
    // Prepare
    const text = [
      'purchases: { pattern: { detail-type: [Order Completed] } }',
      '',
      '# the model',
      'model:',
      '  unit: days',
      '',
      'stages:',
      '  - { stage: new }',
      '',
    ].join('\n');

    // Act
    const edited = setYamlValue(text, ['model', 'unit'], 'weeks');

    // Assess
    expect(edited).toBe(text.replace('unit: days', 'unit: weeks'));
  });

  it('creates the path when it does not exist', () => {
    // Act
    const edited = setYamlValue('a: 1\n', ['environments', 'prod', 'model'], { unit: 'days' });

    // Assess
    expect(parse(edited)).toEqual({ a: 1, environments: { prod: { model: { unit: 'days' } } } });
  });

  it('refuses a text that does not parse', () => {
    expect(() => setYamlValue('a: [1\n', ['a'], 2)).toThrow(/syntax errors/);
  });
});
