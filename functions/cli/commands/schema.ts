import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { journeyJsonSchema } from '../../core/journeys/json-schema.ts';
import type { CliIo } from '../io.ts';

export const SCHEMA_FILE = 'journeys/schema.json';

export const schemaUsage = `Usage: cairn schema [--write | --check] [--file journeys/schema.json]

Prints the JSON Schema of journey files, generated from the zod schema.
  --write   write it to the file (npm run schema)
  --check   exit 1 when the file differs from what would be generated`;

export async function schemaCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      write: { type: 'boolean' },
      check: { type: 'boolean' },
      file: { type: 'string', default: SCHEMA_FILE },
    },
    strict: true,
  });
  const generated = journeyJsonSchema();
  if (values.write) {
    await writeFile(values.file, generated);
    io.stdout(`wrote ${values.file}`);
    return 0;
  }
  if (values.check) {
    const current = await readFile(values.file, 'utf8').catch(() => '');
    if (current === generated) return 0;
    io.stderr(`${values.file} is stale: run "npm run schema" to regenerate it from the zod schema`);
    return 1;
  }
  io.stdout(generated.trimEnd());
  return 0;
}
