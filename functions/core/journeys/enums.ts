import * as z from 'zod';
import { leaf } from './leaf.ts';

// The channels and the lifecycle stages, apart from the other journey schema parts (schema-parts.ts re-exports
// them): the profile and its import need only these, and importing schema-parts.ts builds every journey schema
// part at load, which the import function's cold start paid for (docs/benchmarks.md, "Function bundles").

export const Channel = z.enum(['email', 'sms', 'push']).describe('A delivery channel.');
export type Channel = z.infer<typeof Channel>;

export const LifecycleStage = leaf(() =>
  z.enum(['new', 'active', 'at_risk', 'vip', 'lapsed']).describe('A lifecycle stage.'),
);
export type LifecycleStage = z.infer<typeof LifecycleStage>;
