import * as z from 'zod';
import { LifecycleConfig } from '../../core/lifecycle/config.ts';
import { compileLifecycle, type LifecycleModel } from '../../core/lifecycle/lifecycle.ts';
import { SegmentCatalog } from '../../core/segments/evaluate.ts';
import { Segment } from '../../core/segments/schema.ts';
import { parseCompiled, readCompiledFile } from './compiled-file.ts';

/**
 * The part of the compiled configuration (compiled-config.ts) a segment scan evaluates: the segments and the
 * lifecycle model. The journeys are kept as JSON, unparsed: a segment catalog only looks for the history
 * conditions written in them (their counters), which it reads from any document. The policies and the
 * templates are not read. So the segment scan's bundle leaves the journey language, the policies and the
 * templates' schemas out (test/core/loading/unreached-modules.test.ts).
 */
const CompiledSegments = z.object({
  format: z.literal(1),
  environment: z.string().nullable(),
  journeys: z.array(z.unknown()),
  segments: z.array(Segment).default([]),
  lifecycle: LifecycleConfig.nullable(),
});

/** What a segment scan evaluates with: the segments compiled, and the lifecycle model if there is one. */
export type SegmentsConfig = { segments: SegmentCatalog; lifecycle: LifecycleModel | undefined };

/**
 * Reads the segments and the lifecycle of the compiled configuration in `folder` (CAIRN_CONFIG_DIR), with the
 * same errors as the whole configuration's reader (compiled-file.ts). The same catalog as the whole
 * configuration's `catalog.segments` (test/handlers/shared/compiled-segments.test.ts).
 */
export async function readCompiledSegments(
  folder: string,
  environment: string | undefined,
): Promise<SegmentsConfig> {
  const { file, text } = await readCompiledFile(folder);
  const compiled = parseCompiled(CompiledSegments, file, text, environment);
  return {
    segments: new SegmentCatalog(compiled.segments, compiled.journeys),
    lifecycle: compiled.lifecycle
      ? compileLifecycle(compiled.lifecycle, compiled.environment ?? undefined)
      : undefined,
  };
}
