import { vi } from 'vitest';

/**
 * The EMF documents an invocation printed (Powertools Metrics writes them to stdout), with stdout silenced
 * meanwhile. Call `stop()` before asserting, so a failing expectation is printed.
 */
export function captureMetrics() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return {
    stop: () => spy.mockRestore(),
    /** Sum of one metric over every EMF document, optionally only those with these dimension values. */
    total(name: string, dimensions: Record<string, string> = {}): number {
      let sum = 0;
      for (const line of lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"'))) {
        const doc: Record<string, unknown> = JSON.parse(line);
        if (!Object.entries(dimensions).every(([k, v]) => doc[k] === v)) continue;
        const value = doc[name];
        if (typeof value === 'number') sum += value;
        else if (Array.isArray(value)) sum += value.reduce((a: number, b: unknown) => a + Number(b), 0);
      }
      return sum;
    },
  };
}
