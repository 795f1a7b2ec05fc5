import { parseConfigFile } from '../diagnostics/config-file.ts';
import type { PathSegment, Problem } from '../diagnostics/problem.ts';
import { compilePattern } from '../patterns/index.ts';
import { LifecycleConfig } from './config.ts';

// Reading journeys/lifecycle.yaml, apart from its schema: the functions get the schema's value compiled at
// synth (functions/handlers/shared/compiled-config.ts) and do not bundle the YAML parser.

/** Parses journeys/lifecycle.yaml, reporting every problem with file:line:column like journey files. */
export function loadLifecycleConfig(
  file: string,
  text: string,
): { config?: LifecycleConfig; problems: Problem[] } {
  const { value: config, problems, locate } = parseConfigFile(LifecycleConfig, file, text);
  if (!config) return { problems };
  const patterns: [PathSegment[], unknown][] = [
    [['purchases', 'orders', 'pattern'], config.purchases.orders.pattern],
    [['purchases', 'refunds', 'pattern'], config.purchases.refunds?.pattern],
    ...config.stages.map((s, i): [PathSegment[], unknown] => [['stages', i, 'when'], s.when]),
  ];
  for (const [path, pattern] of patterns) {
    if (pattern === undefined) continue;
    const compiled = compilePattern(pattern);
    if (compiled.ok) continue;
    for (const p of compiled.problems)
      problems.push(locate([...path, ...p.path], `invalid pattern: ${p.message}`));
  }
  return problems.length === 0 ? { config, problems } : { problems };
}
