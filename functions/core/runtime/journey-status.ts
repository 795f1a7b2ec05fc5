import {
  decideStatusChange,
  NO_OVERRIDE,
  type OverrideStatus,
  overrideAfter,
  type StatusAuditRecord,
  type StatusChange,
} from '../journeys/status-overrides.ts';
import type { JourneyRegistry } from '../ports/journey-registry.ts';

export type StatusChangeResult =
  | { kind: 'changed'; record: StatusAuditRecord }
  | { kind: 'unchanged'; status: OverrideStatus; why: string }
  | { kind: 'refused'; status: OverrideStatus; why: string };

/** Each lost attempt is lost to another change that landed, and people make these changes: a few suffice. */
export const MAX_STATUS_CHANGE_ATTEMPTS = 5;

export class StatusConflictError extends Error {
  constructor(journeyId: string, attempts: number) {
    super(`the status of ${journeyId} changed under ${attempts} attempts in a row; run the command again`);
    this.name = 'StatusConflictError';
  }
}

/**
 * Changes a journey's status override, audited: decides on the current override (decideStatusChange), then
 * appends the audit record under the next sequence number and only then applies the override (the order the
 * port describes). A change found recorded but not applied is applied first, and the decision taken again on
 * it. Concurrent changes of one journey collide on the sequence number; the loser decides again.
 */
export async function changeJourneyStatus(
  registry: JourneyRegistry,
  change: StatusChange,
  maxAttempts = MAX_STATUS_CHANGE_ATTEMPTS,
): Promise<StatusChangeResult> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = (await registry.overrideOf(change.journeyId)) ?? NO_OVERRIDE;
    const pending = await registry.auditRecord(change.journeyId, current.seq + 1);
    if (pending) {
      await registry.applyOverride(overrideAfter(pending), current.seq);
      continue;
    }
    const decision = decideStatusChange(current.status, change.action);
    if (decision.kind !== 'change') return { ...decision, status: current.status };
    const record: StatusAuditRecord = {
      ...change,
      seq: current.seq + 1,
      from: current.status,
      to: decision.to,
    };
    if (!(await registry.appendAudit(record))) continue;
    // False only when someone applied this very record already (the only one at its sequence): same outcome.
    await registry.applyOverride(overrideAfter(record), current.seq);
    return { kind: 'changed', record };
  }
  throw new StatusConflictError(change.journeyId, maxAttempts);
}
