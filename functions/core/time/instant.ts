/**
 * `Date.parse` of an event's time, remembering the last text parsed. One input parses its event's time in
 * several places (the engine, the profile, the purchase, the order window, the event-history counters, ingest)
 * and a parse costs about as much as a small decision (0.3 to 0.6 µs here), so the repeats answer from the last.
 * Same text, same answer: a cache of one entry, whatever the order of the calls.
 */
let lastText: string | undefined;
let lastMs = Number.NaN;

export function parseInstant(text: string): number {
  if (text === lastText) return lastMs;
  lastMs = Date.parse(text);
  lastText = text;
  return lastMs;
}
