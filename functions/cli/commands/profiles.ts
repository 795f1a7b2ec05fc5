import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setYamlValue } from '../../core/diagnostics/yaml-edit.ts';
import { Population, type ProfileRow, stageCounts, suggestRfm } from '../../core/lifecycle/population.ts';
import { forEachEvent } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { loadLifecycle } from '../load-catalog.ts';

export const profilesUsage = `Usage: cairn profiles --events events.ndjson [--as-of ISO-time] [--format csv|json|none]
                      [--journeys journeys/] [--env NAME] [--suggest-rfm [--write]]

Builds every customer's profile from the events up to --as-of with the lifecycle rules of
journeys/lifecycle.yaml, and prints per customer: userId, firstOrderAt, lastOrderAt, orders, repeatDays,
revenue, daysSinceLastOrder, orders365d, revenue365d, rfm, pAlive, expectedPurchases90d, stage and the rule's
reason. The number of customers per stage follows on stderr.
  --events       NDJSON customer events (required), e.g. from "cairn import cdnow FILE"
  --as-of        the time the profiles are computed at; later events are ignored (default: the last event)
  --format       csv (default), json (one array), or none (stage counts only)
  --journeys     the folder holding lifecycle.yaml (default journeys/)
  --env          use that environment's fitted model from lifecycle.yaml
  --suggest-rfm  print RFM quintile thresholds computed from these customers
  --write        with --suggest-rfm: store them as suggestedRfm in lifecycle.yaml`;

const NAME = 'cairn profiles';
const FORMATS = ['csv', 'json', 'none'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (f: string): f is Format => FORMATS.some((known) => known === f);

const COLUMNS = [
  'userId',
  'firstOrderAt',
  'lastOrderAt',
  'orders',
  'repeatDays',
  'revenue',
  'daysSinceLastOrder',
  'orders365d',
  'revenue365d',
  'rfm',
  'pAlive',
  'expectedPurchases90d',
  'stage',
  'stageReason',
] as const satisfies readonly (keyof ProfileRow)[];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'object' && 'score' in value ? String(value.score) : String(value as string | number);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function profilesCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string', default: 'csv' },
      journeys: { type: 'string', default: 'journeys' },
      env: { type: 'string' },
      'suggest-rfm': { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const fail = (message: string) => {
    io.stderr(`${NAME}: ${message}\n\n${profilesUsage}`);
    return 2;
  };
  if (!values.events) return fail('--events is required, e.g. --events cdnow.ndjson');
  if (!isFormat(values.format))
    return fail(`--format "${values.format}" is not one of ${FORMATS.join(', ')}`);
  const asOf = values['as-of'] === undefined ? undefined : Date.parse(values['as-of']);
  if (asOf !== undefined && Number.isNaN(asOf))
    return fail(`--as-of "${values['as-of']}" is not an ISO-8601 time such as 1998-06-30T23:59:59Z`);
  if (values.write && !values['suggest-rfm']) return fail('--write only goes with --suggest-rfm');

  const model = await loadLifecycle(values.journeys, io, 'profiles', values.env);
  if (model === undefined) return 1;
  if (model === null)
    return fail(`no lifecycle.yaml in ${values.journeys}; it declares purchases, RFM and stages`);

  const population = new Population(model);
  let ignored = 0;
  let lastEventAt = Number.NEGATIVE_INFINITY;
  let read: { rejected: number };
  try {
    read = await forEachEvent(values.events, io, (event) => {
      const at = Date.parse(event.time);
      if (asOf !== undefined && at > asOf) {
        ignored++;
        return;
      }
      lastEventAt = Math.max(lastEventAt, at);
      population.add(event);
    });
  } catch (error) {
    io.stderr(
      `${NAME}: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const at = asOf ?? (Number.isFinite(lastEventAt) ? lastEventAt : Date.now());
  const rows = population.rows(at);

  if (values.format === 'csv') {
    io.stdout(COLUMNS.join(','));
    for (const row of rows) io.stdout(COLUMNS.map((c) => csvCell(row[c])).join(','));
  } else if (values.format === 'json') {
    io.stdout(JSON.stringify(rows, null, 2));
  }

  const counts = stageCounts(rows, model);
  const width = Math.max(...counts.map(([stage]) => stage.length));
  io.stderr(
    `${rows.length.toLocaleString('en-US')} customer(s) from ${population.eventsIn.toLocaleString('en-US')} event(s) ` +
      `as of ${new Date(at).toISOString()}` +
      (ignored > 0 ? ` (${ignored.toLocaleString('en-US')} later event(s) ignored)` : '') +
      (read.rejected > 0 ? ` (${read.rejected} rejected)` : ''),
  );
  for (const [stage, count] of counts) {
    const share = rows.length > 0 ? ((100 * count) / rows.length).toFixed(1) : '0.0';
    io.stderr(`  ${stage.padEnd(width)}  ${String(count).padStart(7)}  ${share.padStart(5)}%`);
  }

  if (values['suggest-rfm']) {
    const suggested = suggestRfm(rows);
    if (!suggested) {
      io.stderr(`${NAME}: no customer has an order, so there are no RFM quintiles to suggest`);
      return 1;
    }
    io.stderr('Suggested RFM thresholds (quintiles of the customers with an order):');
    io.stderr(`  recencyDays:     [${suggested.recencyDays.join(', ')}]`);
    io.stderr(`  frequencyOrders: [${suggested.frequencyOrders.join(', ')}]`);
    io.stderr(`  monetaryRevenue: [${suggested.monetaryRevenue.join(', ')}]`);
    if (values.write) {
      const file = join(values.journeys, 'lifecycle.yaml');
      const text = await readFile(file, 'utf8');
      const computedFrom = `${values.events} as of ${new Date(at).toISOString()}, ${rows.length} customers`;
      await writeFile(file, setYamlValue(text, ['suggestedRfm'], { ...suggested, computedFrom }, true));
      io.stderr(`Wrote suggestedRfm to ${file}; copy the values to rfm to use them.`);
    }
  }
  return read.rejected > 0 ? 1 : 0;
}
