import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CustomerState } from '../../core/engine/state.ts';
import { STATE_DICTIONARY_V3_TRAINED } from './state-dictionary-v3.ts';

/**
 * How a customer state is stored in its item: one binary attribute holding a format byte and the state's JSON
 * compressed with raw deflate and a preset dictionary.
 *
 * Why compressed: DynamoDB bills a write per started kilobyte. As plain JSON the median sample state is about
 * 1.7 KB (2 write units); deflated with the dictionary it is about 0.65 KB (1 unit). See docs/data-model.md.
 * Why a dictionary: states are small, so plain deflate spends much of its output on the first occurrence of
 * each field name. The dictionary holds those names and the usual values, so even a first occurrence is a
 * short back-reference. Why deflate and not brotli: at its best quality brotli's output is larger than this
 * and takes some 30 times the CPU per write.
 *
 * The dictionary is part of the stored format: changing one byte makes every stored state unreadable. A new
 * dictionary needs a new format byte, and the old one must stay to read old items (a test pins its hash).
 * Formats 1 and 2 are read only: states are written in format 3 (below).
 */
export const STATE_DICTIONARY_V1 =
  'Signed Up|Product Viewed|Product Added|Product Removed|Cart Viewed|Checkout Started|Order Completed|' +
  'Order Refunded|Lifecycle Stage Changed|cairn.lifecycle|' +
  '{"userId":"","profile":{"traits":{"email":"","phone":"","firstName":"","lastName":"","timezone":"",' +
  '"locale":""},"devices":[{"token":"","platform":"APNS","lastSeenAt":0,"active":true}],"consent":{"email":' +
  '{"status":"opted_in","source":"","at":0}},"firstSeenAt":0,"lastSeenAt":0,"email":"","phone":"",' +
  '"locale":"","timezone":"","timezoneSource":"trait","stage":"","stageSince":0,"purchases":{"orders":0,' +
  '"revenue":0,"refunds":0,"days":[],"weeks":[],"bitmap":"","firstOrderAt":0,"lastOrderAt":0,' +
  '"bitmapStart":0}},"enrollments":[{"id":"","journeyId":"","version":"","key":"","enteredAt":0,' +
  '"trigger":{"id":"","source":"","detail-type":"","time":"","detail":{"userId":"","properties":{}}},' +
  '"status":"active","stepId":"","wait":{"stepId":"","timerId":"","dueAt":0,"kind":"duration"},' +
  '"holdout":false,"variant":"","sends":0,"visits":0}],"entries":{"":{"count":1,"lastAt":0}},' +
  '"journeySends":{"":{"total":0,"recent":[]}},"processed":[],"lifecycleTimer":{"id":"lifecycle:","dueAt":0}}';

/**
 * Format 2's dictionary: the Segment e-commerce spec's event properties (which the trigger copies of the
 * enrollments carry), then v1's, then the engagement flags and the state's fields added since v1 (order window,
 * counted sends, date schedules, segments, history), in the order JSON.stringify writes them. Deflate codes a
 * nearer match in fewer bits, so the most frequent strings come last. Measured on the cost bench's state writes
 * (docs/data-model.md, "Item sizes"): 1.43 to 1.38 write units per state write.
 */
export const STATE_DICTIONARY_V2 =
  '"properties":{"orderId":"","cartId":"","checkoutId":"","revenue":0,"total":0,"currency":"USD",' +
  '"category":"","products":[{"productId":"","sku":"","name":"","category":"","brand":"","variant":"",' +
  '"price":0,"quantity":1,"url":"","image_url":""}]}' +
  STATE_DICTIONARY_V1 +
  '"engagement":{"":{"v":1,"d":true,"o":true,"c":true}},"saved":{}' +
  '"seen":{"":""},"ended":[[0,0]],"lifecycleTimer":{"id":"lifecycle:","dueAt":0},"delivery":{"counted":' +
  '[{"m":"","t":0,"r":["marketing"],"x":0}],"suppressed":{"":"unsubscribed"}},"dates":{"":{"basis":0,' +
  '"timer":{"id":"date:","dueAt":0,"occurrence":""},"last":""}},"runs":{"":""},"segments":[""],' +
  '"history":{"":[0,0]},"segmentTimer":{"id":"segments:","dueAt":0},"endings":[[0,0]]}';

/**
 * Format 3's dictionary: 16 KB of generated customers' states (state-dictionary-v3.ts; how it was made:
 * test/adapters/dynamodb/train-state-dictionary.ts), then v2's, nearest. A state holds mostly what other
 * states hold: the configuration's journey, step, policy and stage names, the shape of enrollments, entries and
 * purchase history, the catalog's products, the time zones and locales. v2 held field names only; a
 * back-reference into real states also covers those values and whole runs of fields. Measured on the cost
 * bench's state writes (seed 42, which the training did not see): 1.34 to 1.2 write units per state write
 * (docs/data-model.md, "Item sizes"). A configuration unlike the sample's gains less than that, never more
 * bytes than v2 costs it: what the trained part does not match, v2 still does.
 */
export const STATE_DICTIONARY_V3 = STATE_DICTIONARY_V3_TRAINED + STATE_DICTIONARY_V2;

const DICTIONARIES: ReadonlyMap<number, string> = new Map([
  [1, STATE_DICTIONARY_V1],
  [2, STATE_DICTIONARY_V2],
  [3, STATE_DICTIONARY_V3],
]);
const CURRENT_FORMAT = 3;

const dictionaryBytes = new Map<number, Buffer>();

/**
 * A format's dictionary as bytes, made on its first use rather than at the import, which every engine
 * function's cold start paid (docs/benchmarks.md, "Function bundles").
 */
function dictionaryOf(format: number): Buffer | undefined {
  const known = dictionaryBytes.get(format);
  if (known !== undefined) return known;
  const text = DICTIONARIES.get(format);
  if (text === undefined) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  dictionaryBytes.set(format, bytes);
  return bytes;
}

export function encodeState(state: CustomerState): Uint8Array {
  return encodeStateText(JSON.stringify(state));
}

/** `encodeState` of the state whose `JSON.stringify` is `text`, for a caller that made the text already. */
export function encodeStateText(text: string): Uint8Array {
  const dictionary = dictionaryOf(CURRENT_FORMAT);
  const json = Buffer.from(text, 'utf8');
  const body = deflateRawSync(json, { level: 9, ...(dictionary ? { dictionary } : {}) });
  return Buffer.concat([Buffer.from([CURRENT_FORMAT]), body]);
}

/** Decodes and validates a stored state; throws when the bytes are not a state in a known format. */
export function decodeState(bytes: Uint8Array): CustomerState {
  const format = bytes[0];
  const dictionary = format === undefined ? undefined : dictionaryOf(format);
  if (!dictionary) throw new Error(`stored customer state has unknown format ${String(format)}`);
  const json = inflateRawSync(bytes.subarray(1), { dictionary }).toString('utf8');
  const value: unknown = JSON.parse(json);
  return CustomerState.parse(value);
}
