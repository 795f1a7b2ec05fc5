import { formatProblem } from '../../functions/core/diagnostics/problem.ts';
import type { CustomerEvent } from '../../functions/core/events/index.ts';
import { loadJourneyFile } from '../../functions/core/journeys/load.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';

/** Parses a journey written as YAML in a test, failing loudly with the validator's own messages. */
export function journeyFromYaml(text: string): Journey {
  const result = loadJourneyFile({ file: 'test.yaml', text });
  if (!result.journey) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.journey;
}

let sequence = 0;

/** A valid customer event with sensible defaults; `time` is an ISO string or epoch ms. */
export function customerEvent(
  detailType: string,
  userId: string,
  time: string | number,
  properties: Record<string, string | number | boolean> = {},
  extra: { id?: string; eventId?: string; source?: string; traits?: Record<string, string> } = {},
): CustomerEvent {
  sequence++;
  return {
    version: '0',
    id: extra.id ?? `evt-${sequence}`,
    source: extra.source ?? 'com.example.shop',
    'detail-type': detailType,
    time: typeof time === 'number' ? new Date(time).toISOString() : time,
    resources: [],
    detail: {
      userId,
      properties,
      ...(extra.eventId ? { eventId: extra.eventId } : {}),
      ...(extra.traits ? { traits: extra.traits } : {}),
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
