import { describe, expect, it } from 'vitest';
import {
  applyStatusOverrides,
  decideStatusChange,
  effectiveStatus,
  OverrideStatus,
  StatusAction,
} from '../../../functions/core/journeys/status-overrides.ts';
import { welcomeJourney } from '../../contracts/journey-registry.contract.ts';

describe('decideStatusChange', () => {
  it('allows pause from active, resume from paused, archive from anything; archived is final', () => {
    // Prepare
    const table: Record<string, string> = {};

    // Act
    for (const current of OverrideStatus.options)
      for (const action of StatusAction.options) {
        const decision = decideStatusChange(current, action);
        table[`${current} ${action}`] = decision.kind === 'change' ? `-> ${decision.to}` : decision.kind;
      }

    // Assess
    expect(table).toEqual({
      'active pause': '-> paused',
      'active resume': 'unchanged',
      'active archive': '-> archived',
      'paused pause': 'unchanged',
      'paused resume': '-> active',
      'paused archive': '-> archived',
      'archived pause': 'refused',
      'archived resume': 'refused',
      'archived archive': 'unchanged',
    });
  });

  it('says how to run an archived journey again', () => {
    // Act
    const decision = decideStatusChange('archived', 'resume');

    // Assess
    expect(decision).toEqual({ kind: 'refused', why: expect.stringContaining('new id') });
  });
});

describe('effectiveStatus', () => {
  it('runs the more restrictive of the file and the override', () => {
    // Prepare
    const files = ['draft', 'active', 'paused', 'archived'] as const;

    // Act
    const table = files.map((file) => [
      file,
      effectiveStatus(file, undefined),
      ...OverrideStatus.options.map((override) => effectiveStatus(file, override)),
    ]);

    // Assess: columns are the file, no override, then active, paused, archived overrides
    expect(table).toEqual([
      ['draft', 'draft', 'draft', 'paused', 'archived'],
      ['active', 'active', 'active', 'paused', 'archived'],
      ['paused', 'paused', 'paused', 'paused', 'archived'],
      ['archived', 'archived', 'archived', 'archived', 'archived'],
    ]);
  });
});

describe('applyStatusOverrides', () => {
  it('changes the status of overridden journeys only, leaving the others as they were', () => {
    // Prepare
    const welcome = welcomeJourney();
    const other = { ...welcomeJourney(), id: 'other' };

    // Act
    const applied = applyStatusOverrides([welcome, other], new Map([['welcome', 'paused' as const]]));

    // Assess
    expect(applied[0]).toEqual({ ...welcome, status: 'paused' });
    expect(applied[1]).toBe(other);
    expect(welcome.status).toBe('active');
  });
});
