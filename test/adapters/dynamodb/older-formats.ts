import { deflateRawSync } from 'node:zlib';
import {
  STATE_DICTIONARY_V1,
  STATE_DICTIONARY_V2,
} from '../../../functions/adapters/dynamodb/state-codec.ts';

/** The formats the store reads and no longer writes, by format byte: their dictionaries. */
export const OLDER_FORMATS = { 1: STATE_DICTIONARY_V1, 2: STATE_DICTIONARY_V2 } as const;

/** A state's JSON as an older format stored it: the format byte, then the JSON deflated with its dictionary. */
export function storedInFormat(format: keyof typeof OLDER_FORMATS, json: string): Buffer {
  const body = deflateRawSync(Buffer.from(json), {
    level: 9,
    dictionary: Buffer.from(OLDER_FORMATS[format]),
  });
  return Buffer.concat([Buffer.from([format]), body]);
}
