import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { setYamlValue } from '../../core/diagnostics/yaml-edit.ts';
import { fitBgNbd } from '../../core/lifecycle/bgnbd.ts';
import { Population } from '../../core/lifecycle/population.ts';
import { DAY_MS } from '../../core/lifecycle/purchases.ts';
import { forEachEvent } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { loadLifecycle } from '../load-catalog.ts';

export const modelUsage = `Usage: cairn model fit --events events.ndjson --calibration-end YYYY-MM-DD [--unit weeks|days]
                       [--format text|json] [--journeys journeys/] [--write [--env NAME]]

Fits the BG/NBD model (Fader, Hardie and Lee 2005) by maximum likelihood to the customers' purchases up to
and including the calibration end day, with the purchase rules of journeys/lifecycle.yaml. Per customer:
x = purchase days after the first, t_x = last purchase day after the first, T = calibration end day after
the first purchase day, in the unit. Prints r, alpha, a, b, the log-likelihood and the number of customers.
  --events           NDJSON customer events (required), e.g. from "cairn import cdnow FILE"
  --calibration-end  the last day of the calibration period (required), e.g. 1997-09-30
  --unit             weeks (default) or days: the unit of t_x and T, and so of alpha
  --format           text (default) or json
  --write            store the fit as the model in lifecycle.yaml (or environments.NAME.model with --env)`;

const NAME = 'cairn model fit';

export async function modelCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const fail = (message: string) => {
    io.stderr(`cairn model: ${message}\n\n${modelUsage}`);
    return 2;
  };
  if (sub !== 'fit')
    return fail(sub === undefined ? 'missing the subcommand: fit' : `unknown subcommand "${sub}"`);
  const { values } = parseArgs({
    args: rest,
    options: {
      events: { type: 'string' },
      'calibration-end': { type: 'string' },
      unit: { type: 'string', default: 'weeks' },
      format: { type: 'string', default: 'text' },
      journeys: { type: 'string', default: 'journeys' },
      write: { type: 'boolean', default: false },
      env: { type: 'string' },
    },
    strict: true,
  });
  if (!values.events) return fail('--events is required');
  const end = values['calibration-end'];
  if (end === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(`${end}T00:00:00Z`)))
    return fail(`--calibration-end must be a day such as 1997-09-30, got ${end ?? 'nothing'}`);
  const unit = values.unit;
  if (unit !== 'weeks' && unit !== 'days') return fail(`--unit must be weeks or days, got "${unit}"`);
  if (values.format !== 'text' && values.format !== 'json')
    return fail(`--format must be text or json, got "${values.format}"`);
  if (values.env !== undefined && !values.write) return fail('--env only goes with --write');

  const model = await loadLifecycle(values.journeys, io, 'model fit');
  if (model === undefined) return 1;
  if (model === null) return fail(`no lifecycle.yaml in ${values.journeys}; it declares what a purchase is`);

  const endDay = Date.parse(`${end}T00:00:00Z`) / DAY_MS;
  const population = new Population(model);
  try {
    await forEachEvent(values.events, io, (event) => {
      if (Date.parse(event.time) < (endDay + 1) * DAY_MS) population.add(event);
    });
  } catch (error) {
    io.stderr(
      `${NAME}: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const customers = population.calibrationCustomers(endDay, unit === 'weeks' ? 7 : 1);
  if (customers.length === 0) {
    io.stderr(`${NAME}: no customer has a purchase up to ${end}; nothing to fit`);
    return 1;
  }
  io.stderr(`Fitting BG/NBD to ${customers.length.toLocaleString('en-US')} customer(s) ...`);
  const fit = fitBgNbd(customers);
  const result = {
    r: round(fit.r),
    alpha: round(fit.alpha),
    a: round(fit.a),
    b: round(fit.b),
    logLikelihood: Math.round(fit.logLikelihood * 1000) / 1000,
    customers: fit.customers,
    unit,
    calibrationEnd: end,
    iterations: fit.iterations,
    converged: fit.converged,
  };
  if (values.format === 'json') io.stdout(JSON.stringify(result, null, 2));
  else {
    io.stdout(`BG/NBD fit on ${result.customers} customers, calibration to ${end}, in ${unit}:`);
    io.stdout(`  r      ${result.r}`);
    io.stdout(`  alpha  ${result.alpha}`);
    io.stdout(`  a      ${result.a}`);
    io.stdout(`  b      ${result.b}`);
    io.stdout(`  log-likelihood  ${result.logLikelihood}`);
    io.stdout(`  ${fit.converged ? 'converged' : 'NOT converged'} after ${fit.iterations} iterations`);
  }
  if (!fit.converged) {
    io.stderr(`${NAME}: the optimizer did not converge; the parameters were not written`);
    return 1;
  }
  if (values.write) {
    const file = join(values.journeys, 'lifecycle.yaml');
    const path = values.env === undefined ? ['model'] : ['environments', values.env, 'model'];
    const section = {
      unit,
      params: { r: result.r, alpha: result.alpha, a: result.a, b: result.b },
      fittedOn: `${basename(values.events)}, calibration to ${end}`,
      logLikelihood: result.logLikelihood,
      customers: result.customers,
    };
    await writeFile(file, setYamlValue(await readFile(file, 'utf8'), path, section, true));
    io.stderr(`Wrote ${path.join('.')} to ${file}`);
  }
  return 0;
}

/** Six significant digits: more than the data can tell, and stable in diffs of lifecycle.yaml. */
const round = (n: number) => Number(n.toPrecision(6));
