import * as z from 'zod';
import { Segment } from './schema.ts';

/**
 * The JSON Schema of segment files (journeys/segments/schema.json), generated from the zod schema as the
 * journeys' is (journeys/json-schema.ts): draft-07, describing what authors write.
 */
export function segmentJsonSchema(): string {
  const schema = z.toJSONSchema(Segment, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'Cairn segment' }, null, 2)}\n`;
}
