import * as z from 'zod';
import { Journey } from './schema.ts';

/**
 * The JSON Schema that editors use for autocompletion and inline errors, generated from the zod schema.
 * Draft-07 because the YAML language server supports it fully. `io: 'input'` describes what authors write,
 * where defaulted fields are optional.
 */
export function journeyJsonSchema(): string {
  const schema = z.toJSONSchema(Journey, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'Cairn journey' }, null, 2)}\n`;
}
