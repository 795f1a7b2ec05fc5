import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

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

/**
 * Runs `script` in a fresh process (tsx), then prints, for each watched schema, whether it was built: zod keeps
 * a lazy schema's built inner schema on its definition (`_cachedInner`). `parse` first builds `Journey`
 * when asked, so that a zod whose lazy schemas keep it elsewhere fails the test instead of passing it.
 */
function builtAfter(script: string, parse: boolean): Record<string, boolean> {
  const probe = `${script}
const built = {};
const modules = {};
for (const [file, name] of ${JSON.stringify(WATCHED)}) {
  modules[file] ??= await import('./' + file);
  if (${parse} && name === 'Journey') modules[file].Journey.safeParse({});
  built[name] = modules[file][name]._zod.def._cachedInner !== undefined;
}
console.log(JSON.stringify(built));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    encoding: 'utf8',
  });
  return z.record(z.string(), z.boolean()).parse(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
}

describe("the journey language's schemas, built on first use", () => {
  it.each(['ingest', 'timers', 'runs', 'deliver', 'calls'])(
    '%s builds none of them at its import and its wiring import',
    (fn) => {
      // Prepare
      const script = `await import('./functions/handlers/${fn}/index.ts');
await import('./functions/handlers/${fn}/wiring.ts');`;

      // Act
      const built = builtAfter(script, false);

      // Assess
      expect(Object.keys(built)).toHaveLength(WATCHED.length);
      expect(Object.entries(built).filter(([, done]) => done)).toEqual([]);
    },
  );

  it('builds a schema and what it holds on its first parse (the probe is live)', () => {
    // Prepare
    const script = `await import('./functions/handlers/ingest/index.ts');`;

    // Act
    const built = builtAfter(script, true);

    // Assess
    expect(built).toMatchObject({ Journey: true, Trigger: true });
  });
});
