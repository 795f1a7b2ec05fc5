import * as z from 'zod';
import { Condition, SegmentId } from '../journeys/schema-parts.ts';

/**
 * A named segment: one file in journeys/segments/. The JSON Schema of these files is generated from this one
 * (`npm run schema` writes journeys/segments/schema.json); the type is inferred from it.
 *
 * A customer is a member when `when` holds (if given), they are in at least one `include`d segment (if given),
 * and in none of the `exclude`d ones.
 */
export const Segment = z.lazy(() =>
  z
    .strictObject({
      $schema: z.string().optional(),
      id: SegmentId.describe('Stable id: journeys and other segments refer to it, and events carry it.'),
      name: z.string().min(1),
      description: z.string().default(''),
      when: Condition.optional().describe(
        'The conditions journeys use: stages, profile (the view with RFM, pAlive, purchase windows, lists), ' +
          'segment and history. There is no trigger event here.',
      ),
      include: z
        .array(SegmentId)
        .min(1)
        .optional()
        .describe('Only customers in at least one of these segments.'),
      exclude: z.array(SegmentId).min(1).optional().describe('No customer in any of these segments.'),
    })
    .refine((s) => s.when !== undefined || s.include !== undefined, {
      message: 'expected when or include: a segment needs a condition or segments to start from',
    })
    .describe('A Cairn segment. Docs: docs/audiences.md'),
);
export type Segment = z.infer<typeof Segment>;

/** Where segment events come from, and their detail types: journeys trigger and exit on them. */
export const SEGMENT_SOURCE = 'cairn.segments';
export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';
