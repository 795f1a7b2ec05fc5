import { describe, expect, it } from 'vitest';
import { HANDLER_NAMES, type HandlerName } from '../../../infra/lib/cairn-function.ts';
import { loadedAfter } from './support.ts';

/** What each handler's wiring brings that its module does not: its wiring, and the AWS clients it builds. */
function deferred(fn: HandlerName): string[] {
  return [`functions/handlers/${fn}/wiring.ts`, 'functions/handlers/shared/wiring.ts', '/@aws-sdk/client-'];
}

describe('handlers that load their wiring on the first invocation', () => {
  it.each(HANDLER_NAMES)('%s imports without its wiring or any AWS client', (fn) => {
    // Prepare
    const script = `const { handler } = await import('./functions/handlers/${fn}/index.ts');
if (typeof handler !== 'function') throw new Error('no handler');`;

    // Act
    const loaded = loadedAfter(script, deferred(fn));

    // Assess
    expect(loaded).toEqual([]);
  });
});
