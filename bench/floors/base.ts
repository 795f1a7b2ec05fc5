// What every function bundle holds before any Cairn code and before any AWS client (bench/bundles.ts): zod,
// middy, the Powertools logger and metrics, and luxon, the time library every function's schemas reach.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { DateTime } from 'luxon';
import * as z from 'zod';

const Envelope = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });
export const handler = middy(async (event: unknown) => Envelope.parse(event).Records.length);
export const logger = new Logger();
export const metrics = new Metrics();
// Imported, not called: a function's start builds no dates (a call would load the ICU time zone data).
export { DateTime };
