/**
 * The size DynamoDB bills an item at, from its document (lib-dynamodb) form, by the published rules: names
 * and strings in UTF-8 bytes, binary in bytes, a number about one byte per two significant digits plus one
 * (numberSize has the details), booleans and null one byte, and lists and maps 3 bytes plus one byte and the
 * size of each element. Reads are billed per started 4 KB, writes per started 1 KB.
 */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8Length(name) + valueSize(value);
  }
  return size;
}

export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

/** Write request units of one standard write of an item this size. */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
/** Read request units of one strongly consistent read of an item this size. */
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * DynamoDB stores a number as base-100 digit pairs aligned on the decimal point, plus a byte for the exponent
 * and one more for a negative sign; this is the formula dynalite reverse-engineered from DynamoDB.
 */
function numberSize(value: number): number {
  if (value === 0) return 1;
  const [mantissa = '', exponent = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '').length;
  const aligned = digits % 2 === 1 || Number(exponent) % 2 !== 0;
  return 1 + Math.ceil(digits / 2) + (aligned ? 0 : 1) + (value < 0 ? 1 : 0);
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return numberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + valueSize(v), 3);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, v] of Object.entries(value)) {
      if (v !== undefined) size += 1 + utf8Length(name) + valueSize(v);
    }
    return size;
  }
  throw new Error(`no DynamoDB size for a ${typeof value}`);
}
