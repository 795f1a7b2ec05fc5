import { describe, expect, it } from 'vitest';
import { builtAtImport, schemasBuiltAfter } from './support.ts';

/**
 * The journey language's object and union schemas, as exported: each is built on first use (`z.lazy`), so a
 * function whose path only imports them (the engine's step kinds hold their schemas) does not build them at
 * its cold start.
 */
const WATCHED = [
  ['functions/core/journeys/schema.ts', 'Journey'],
  ['functions/core/journeys/schema.ts', 'Trigger'],
  ['functions/core/journeys/schema-parts.ts', 'Condition'],
  ['functions/core/journeys/schema-parts.ts', 'EventCondition'],
  ['functions/core/steps/index.ts', 'Step'],
  ['functions/core/steps/wait.ts', 'WaitStep'],
  ['functions/core/steps/call.ts', 'CallStep'],
  ['functions/core/triggers/schedule.ts', 'ScheduleTrigger'],
] as const;

describe("the journey language's schemas, built on first use", () => {
  it.each(['ingest', 'timers', 'runs', 'deliver', 'calls'])(
    '%s builds none of them at its import and its wiring import',
    (fn) => {
      // Prepare: the handler module and its wiring, as a cold start loads them

      // Act
      const built = builtAtImport(fn, WATCHED);

      // Assess
      expect(built).toEqual([]);
    },
  );

  it('builds a schema and what it holds on its first parse (the probe is live)', () => {
    // Prepare
    // `parse` builds `Journey`, so that a zod whose lazy schemas keep it elsewhere fails the test instead of
    // passing it.
    const script = `await import('./functions/handlers/ingest/index.ts');
(await import('./functions/core/journeys/schema.ts')).Journey.safeParse({});`;

    // Act
    const built = schemasBuiltAfter(script, WATCHED);

    // Assess
    expect(built).toMatchObject({ Journey: true, Trigger: true });
  });
});
