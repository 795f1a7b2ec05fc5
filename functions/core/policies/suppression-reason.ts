import * as z from 'zod';

// Apart from the policies' schemas (config.ts): the customer state and the DynamoDB suppression items name a
// reason, and importing it from there loaded the policies, the journey schema parts and the phone library
// into functions that only read states (the segment scan, feedback).
export const SuppressionReason = z.lazy(() => z.enum(['hard_bounce', 'complaint', 'stop']));
export type SuppressionReason = z.infer<typeof SuppressionReason>;
