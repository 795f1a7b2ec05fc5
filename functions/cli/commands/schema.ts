import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { campaignJsonSchema } from '../../core/campaigns/schema.ts';
import { journeyJsonSchema } from '../../core/journeys/json-schema.ts';
import { segmentJsonSchema } from '../../core/segments/json-schema.ts';
import type { CliIo } from '../io.ts';

export const SCHEMA_FILE = 'journeys/schema.json';
export const SEGMENT_SCHEMA_FILE = 'journeys/segments/schema.json';
export const CAMPAIGN_SCHEMA_FILE = 'journeys/campaigns/schema.json';

export const schemaUsage = `Usage: cairn schema [--write | --check] [--file journeys/schema.json] [--segments]
                    [--segments-file journeys/segments/schema.json]

Prints the JSON Schema of journey files (with --segments: of segment files), generated from the zod schema.
  --write          write both schemas to their files (npm run schema)
  --check          exit 1 when either file differs from what would be generated
  --segments       print the schema of segment files instead of journey files
  --segments-file  where the schema of segment files goes (default journeys/segments/schema.json)`;

export async function schemaCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      write: { type: 'boolean' },
      check: { type: 'boolean' },
      file: { type: 'string', default: SCHEMA_FILE },
      segments: { type: 'boolean' },
      'segments-file': { type: 'string', default: SEGMENT_SCHEMA_FILE },
    },
    strict: true,
  });
  const outputs: [string, string][] = [
    [values.file, journeyJsonSchema()],
    [values['segments-file'], segmentJsonSchema()],
    [CAMPAIGN_SCHEMA_FILE, campaignJsonSchema()],
  ];
  if (values.write) {
    for (const [file, generated] of outputs) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, generated);
      io.stdout(`wrote ${file}`);
    }
    return 0;
  }
  if (values.check) {
    let stale = 0;
    for (const [file, generated] of outputs) {
      const current = await readFile(file, 'utf8').catch(() => '');
      if (current === generated) continue;
      io.stderr(`${file} is stale: run "npm run schema" to regenerate it from the zod schema`);
      stale++;
    }
    return stale > 0 ? 1 : 0;
  }
  io.stdout((values.segments ? segmentJsonSchema() : journeyJsonSchema()).trimEnd());
  return 0;
}
