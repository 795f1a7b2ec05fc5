// A floor for the function bundles (bench/bundles.ts): what the project's stack puts in every function before
// any Cairn code, the SDK clients, zod, middy and the Powertools logger and metrics.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';

export { documents, sqs } from './sdk.ts';

const Envelope = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });
export const handler = middy(async (event: unknown) => Envelope.parse(event).Records.length);
export const logger = new Logger();
export const metrics = new Metrics();
