import { compileLifecycle, type LifecycleModel } from '../../core/lifecycle/lifecycle-model.ts';
import { SegmentCatalog } from '../../core/segments/evaluate.ts';
import { readCompiledFile, trustedCompiled } from './compiled-file.ts';

/** What a segment scan evaluates with: the segments compiled, and the lifecycle model if there is one. */
export type SegmentsConfig = { segments: SegmentCatalog; lifecycle: LifecycleModel | undefined };

/**
 * Reads the segments and the lifecycle of the compiled configuration in `folder` (CAIRN_CONFIG_DIR), with the
 * same checks and errors as the whole configuration's reader (compiled-file.ts). The journeys are passed as they
 * are: a segment catalog only looks for the history conditions written in them (their counters). The policies
 * and the templates are not read, and the segment scan's bundle leaves the journey language, the policies' and
 * the templates' code out (test/core/loading/unreached-modules.test.ts). The same catalog as the whole
 * configuration's `catalog.segments` (test/handlers/shared/compiled-segments.test.ts).
 */
export async function readCompiledSegments(
  folder: string,
  environment: string | undefined,
): Promise<SegmentsConfig> {
  const { file, text } = await readCompiledFile(folder);
  const compiled = trustedCompiled(file, text, environment);
  return {
    segments: new SegmentCatalog(compiled.segments, compiled.journeys),
    lifecycle: compiled.lifecycle
      ? compileLifecycle(compiled.lifecycle, compiled.environment ?? undefined)
      : undefined,
  };
}
