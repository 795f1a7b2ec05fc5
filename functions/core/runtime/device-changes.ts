import type { CustomerEvent } from '../events/index.ts';
import type { DeviceChange } from '../ports/channel.ts';
import { DEVICE_SOURCE, PUSH_TOKEN_CHANGED } from '../profile/profile.ts';

/**
 * Customer events that carry push-token changes back to the profile. Their ids are derived from the message
 * and token, so a retried delivery publishes the same events and ingest drops the copies.
 */
export function deviceChangeEvents(
  userId: string,
  messageId: string,
  changes: readonly DeviceChange[],
  at: number,
): CustomerEvent[] {
  return changes.map((change) => ({
    version: '0',
    id: `${messageId}:${change.kind}:${change.token}`,
    source: DEVICE_SOURCE,
    'detail-type': PUSH_TOKEN_CHANGED,
    time: new Date(at).toISOString(),
    resources: [],
    detail: {
      userId,
      properties: changeProperties(change),
    },
  }));
}

function changeProperties(change: DeviceChange): Record<string, string> {
  return change.kind === 'updated'
    ? { token: change.token, updatedToken: change.updatedToken }
    : { token: change.token, deactivated: change.reason };
}
