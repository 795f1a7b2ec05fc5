// The input limits as ingest applies them (docs/events.md, "Limits"); the limits themselves are events/limits.ts.
import { type EventParseResult, parseCustomerEvent } from '../events/index.ts';
import { parseJsonText as parseJson } from '../events/json-text.ts';
import { eventSizeProblem, eventTimeProblem, type InputLimits, utf8Bytes } from '../events/limits.ts';

/**
 * The contract and the input limits, before anything is read or written: the size first (nothing larger than
 * the bus takes is parsed), then the contract, then the time against the machine's clock.
 */
export function checkEvent(
  received: unknown,
  text: string,
  limits: InputLimits,
  now: number,
): EventParseResult {
  const tooLarge = eventSizeProblem(utf8Bytes(text), limits);
  if (tooLarge !== undefined) {
    const id = typeof received === 'string' ? undefined : idOf(received);
    return { ok: false, problems: [{ eventId: id, path: '', message: tooLarge }] };
  }
  const parsed = typeof received === 'string' ? parseJson(received) : { ok: true as const, value: received };
  if (!parsed.ok)
    return { ok: false, problems: [{ eventId: undefined, path: '', message: `not JSON: ${parsed.error}` }] };
  const checked = parseCustomerEvent(parsed.value);
  if (!checked.ok) return checked;
  const untimely = eventTimeProblem(Date.parse(checked.event.time), now, limits);
  if (untimely === undefined) return checked;
  return { ok: false, problems: [{ eventId: checked.event.id, path: 'time', message: untimely }] };
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  return typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
}

/**
 * Why an event is refused because the state it makes would not fit one DynamoDB item: the store measured the
 * state's JSON at `bytes` in UTF-8 and wrote nothing (ports/customer-state-store.ts, `tooLargeToSave`). Only
 * events are refused (a dead letter with the reason, nothing written): timers and dropped sends come from a state
 * that fitted and add no customer data. Refusing is chosen over trimming, so that nothing is lost silently.
 */
export function stateTooLarge(userId: string, bytes: number, limits: InputLimits): string {
  return `applying it would make customer ${JSON.stringify(userId)}'s state ${bytes} bytes, over the limit of ${limits.maxStateBytes} (a DynamoDB item holds at most 400 KB); nothing was written`;
}
