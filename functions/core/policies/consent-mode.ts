import * as z from 'zod';

/**
 * What consent a send needs, per channel and topic (policies.yaml `consent`). Apart from config.ts because the
 * channel descriptors (functions/core/channels/) give each channel's defaults in it, and config.ts reads them.
 */
export const ConsentMode = z
  .enum(['opt-in', 'opt-out', 'none'])
  .describe(
    'opt-in: send only after an explicit opt-in. opt-out: send unless opted out. none: consent not consulted.',
  );
export type ConsentMode = z.infer<typeof ConsentMode>;
