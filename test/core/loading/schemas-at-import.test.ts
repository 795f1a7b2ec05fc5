import { describe, expect, it } from 'vitest';
import { HANDLER_NAMES } from '../../../infra/lib/cairn-function.ts';
import { schemasConstructedBy } from './support.ts';

/**
 * The only zod schemas a function's cold start may construct besides `z.lazy` wrappers, by module, at most this
 * many: enums whose values are read where they are declared or at import. `Channel` (its options: the CLI, the
 * CDK app, the channel table), `WaitKind` (the discriminator of the timers' discriminated union), the status
 * overrides' two enums, the policies' `SendStatus` (the simulator's delivery statuses extend its options). Every
 * other schema is built on its first parse: building them at import cost the engine functions' cold start about
 * 45 M instructions (docs/benchmarks.md, "Function bundles").
 */
const KEPT: Record<string, number> = {
  'functions/core/journeys/enums.ts': 2,
  'functions/core/engine/state.ts': 1,
  'functions/core/journeys/status-overrides.ts': 3,
  'functions/core/policies/outcome.ts': 1,
};

/** What a function's cold start loads: its handler module, then the wiring its first invocation imports. */
const coldStartOf = (fn: string) => `await import('./functions/handlers/${fn}/index.ts');
await import('./functions/handlers/${fn}/wiring.ts');`;

describe('the zod schemas a cold start constructs', () => {
  it.each(HANDLER_NAMES)(
    '%s constructs none but the kept enums at its import and its wiring import',
    (fn) => {
      // Prepare
      const script = coldStartOf(fn);

      // Act
      const constructed = schemasConstructedBy(script);

      // Assess
      const beyond = Object.entries(constructed).filter(([module, count]) => count > (KEPT[module] ?? 0));
      expect(beyond).toEqual([]);
    },
  );

  it('counts the schemas a first parse builds (the probe is live)', () => {
    // Prepare: parsing a journey builds the journey language, leaves included
    const script = `${coldStartOf('ingest')}
(await import('./functions/core/journeys/schema.ts')).Journey.safeParse({});`;

    // Act
    const constructed = schemasConstructedBy(script);

    // Assess
    expect(constructed['functions/core/journeys/enums.ts']).toBe(KEPT['functions/core/journeys/enums.ts']);
    expect(constructed['functions/core/journeys/schema-parts.ts']).toBeGreaterThan(20);
  });
});
