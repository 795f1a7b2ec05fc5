import { describe, expect, it } from 'vitest';
import { loadedAfter } from './support.ts';

/** The engine and what only it brings: the lifecycle model and its maths, the triggers. */
const ENGINE = [
  'functions/core/engine/engine.ts',
  'functions/core/lifecycle/bgnbd.ts',
  '/node_modules/@stdlib/',
  'functions/core/triggers/schedule.ts',
];
/** The journey language: every step's schema, the conditions, the patterns. */
const JOURNEY_SCHEMAS = [
  'functions/core/journeys/schema.ts',
  'functions/core/journeys/schema-parts.ts',
  'functions/core/steps/index.ts',
  'functions/core/patterns/index.ts',
];

/** The schemas of the configuration's other parts: the policies, the templates. */
const POLICY_AND_TEMPLATE_SCHEMAS = [
  'functions/core/policies/config.ts',
  'functions/core/templates/schema.ts',
];

/** What a function's cold start loads: its handler module, then the wiring its first invocation imports. */
const coldStartOf = (fn: string) => `await import('./functions/handlers/${fn}/index.ts');
await import('./functions/handlers/${fn}/wiring.ts');`;

describe('modules a function never runs are not in its cold start', () => {
  it('feedback loads no engine and no policies: its suppressions read and write states without them', () => {
    // Prepare
    const script = coldStartOf('feedback');

    // Act
    // Nor the policies' schemas: an address is normalized without them (policies/address.ts).
    const loaded = loadedAfter(script, [
      ...ENGINE,
      'functions/core/runtime/read-process-write.ts',
      'functions/core/policies/config.ts',
    ]);

    // Assess
    expect(loaded).toEqual([]);
  });

  it('unsubscribe loads neither the engine nor the journey schemas: its token names a channel', () => {
    // Prepare
    const script = coldStartOf('unsubscribe');

    // Act
    const loaded = loadedAfter(script, [...ENGINE, ...JOURNEY_SCHEMAS]);

    // Assess
    expect(loaded).toEqual([]);
  });

  it('import loads neither the engine nor the journey schemas: a profile names channels and stages', () => {
    // Prepare
    const script = coldStartOf('import');

    // Act
    const loaded = loadedAfter(script, [...ENGINE, ...JOURNEY_SCHEMAS]);

    // Assess
    expect(loaded).toEqual([]);
  });

  it('segments loads neither the engine, nor the journey, policy and template schemas: a scan reads segments', () => {
    // Prepare
    const script = coldStartOf('segments');
    // The lifecycle model and the conditions' parts (schema-parts.ts, the patterns) are what a scan evaluates.
    const engineOnly = ENGINE.filter(
      (module) => module.includes('/engine/') || module.includes('/triggers/'),
    );
    const journeyLanguage = ['functions/core/journeys/schema.ts', 'functions/core/steps/index.ts'];

    // Act
    const loaded = loadedAfter(script, [...engineOnly, ...journeyLanguage, ...POLICY_AND_TEMPLATE_SCHEMAS]);

    // Assess
    expect(loaded).toEqual([]);
  });

  it('ingest, which runs the engine, loads it and the journey schemas (the watch list is live)', () => {
    // Prepare
    const script = coldStartOf('ingest');

    // Act
    const loaded = loadedAfter(script, [...ENGINE, ...JOURNEY_SCHEMAS]);

    // Assess
    expect(loaded).toEqual([...ENGINE, ...JOURNEY_SCHEMAS]);
  });

  it.each(['ingest', 'timers', 'runs', 'deliver', 'calls'])(
    '%s loads no policy or template schemas: it takes the compiled configuration by its digest',
    (fn) => {
      // Prepare
      const script = coldStartOf(fn);

      // Act
      const loaded = loadedAfter(script, [
        ...POLICY_AND_TEMPLATE_SCHEMAS,
        'functions/handlers/shared/compiled-schema.ts',
      ]);

      // Assess
      expect(loaded).toEqual([]);
    },
  );
});
