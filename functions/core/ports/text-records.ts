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
