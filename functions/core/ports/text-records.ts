/**
 * Text kept by key for a store that holds many records between inputs (the in-memory customer states and send
 * ledger). A `Map<string, string>` is one, in the heap; `cairn simulate` passes a spill file
 * (adapters/files/spill-file.ts), which keeps the text on disk and only an index in memory, so that a share's
 * memory does not grow with its customers' states and claims.
 */
export interface TextRecords {
  get(key: string): string | undefined;
  has(key: string): boolean;
  set(key: string, text: string): void;
  delete(key: string): boolean;
  readonly size: number;
  /** Every key with its text, in the order first set. */
  entries(): Iterable<[string, string]>;
}

/**
 * The value a store itself wrote under `key` as `JSON.stringify` of one of its own records, parsed back as a
 * fresh copy without validating it again (the store is the only writer); undefined when nothing is kept there.
 */
export function ownRecord<T>(records: TextRecords, key: string): T | undefined {
  const text = records.get(key);
  return text === undefined ? undefined : JSON.parse(text);
}
