import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  checkGenerateOptions,
  GENERATE_DEFAULTS,
  type GenerateOptions,
  generateEvents,
  LIMITS,
  PHONE_PERCENT,
  PUSH_PERCENT,
} from '../../core/generate/index.ts';
import type { CliIo } from '../io.ts';

export const generateEventsUsage = `Usage: cairn generate-events [--users N] [--days D] [--seed S] [--start YYYY-MM-DD] [--duplicates RATE]
                             [--sms-opt-in SHARE] [--push-opt-in SHARE] > events.ndjson

Writes a realistic synthetic timeline of customer events as NDJSON (one event per line, sorted by time):
sign-ups, browsing, carts (abandoned, ordered at once, ordered later), orders and refunds, from customers in
twelve timezones. The same options give byte-identical output on every run and every machine.
  --users N             customers (default ${GENERATE_DEFAULTS.users}, at most ${LIMITS.users})
  --days D              length of the period in days (default ${GENERATE_DEFAULTS.days}, at most ${LIMITS.days})
  --seed S              seed of the random generator, 0 to ${LIMITS.seed} (default ${GENERATE_DEFAULTS.seed})
  --start DATE          first day of the period, from 00:00 UTC (default ${GENERATE_DEFAULTS.start})
  --duplicates RATE     share of events delivered twice with the same id, as EventBridge may, 0 to 1 (default 0)
  --sms-opt-in SHARE    share of customers opted in to marketing SMS, 0 to 1 (default ${GENERATE_DEFAULTS.smsOptIn})
  --push-opt-in SHARE   share of customers opted in to marketing push, 0 to 1 (default ${GENERATE_DEFAULTS.pushOptIn})

Opt-ins go in traits.consent ({"sms": {"marketing": true}}) with the traits that identify the customer.
Customers with a phone number (${PHONE_PERCENT}%) or the shop's app (${PUSH_PERCENT}%) opt in first; past those shares, customers give a
number or install the app as they opt in. Without an opt-in, the shipped policies send no marketing SMS or push.`;

const NAME = 'cairn generate-events';
/** Lines written between checks for a full stdout. */
const CHECK_EVERY = 256;

/**
 * Waits until the process's stdout has flushed what it holds. A pipe to a slower reader (`| gzip`) would
 * otherwise queue the whole output in memory: CliIo has no backpressure, so this looks at process.stdout
 * itself. It returns at once when nothing is queued there (files, terminals, and tests with an in-memory io).
 */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,16}$/.test(text) ? Number(text) : undefined;
}

function rate(text: string): number | undefined {
  return /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : undefined;
}

type OptionName = 'users' | 'days' | 'seed' | 'start' | 'duplicates' | 'sms-opt-in' | 'push-opt-in';

/** `cairn generate-events`: exit 0 after writing the events, 2 for bad usage. */
export async function generateEventsCommand(args: string[], io: CliIo): Promise<number> {
  let values: Partial<Record<OptionName, string>>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        users: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        duplicates: { type: 'string' },
        'sms-opt-in': { type: 'string' },
        'push-opt-in': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n\n${generateEventsUsage}`);
    return 2;
  }

  const problems: string[] = [];
  const whole = (name: 'users' | 'days' | 'seed', fallback: number) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = wholeNumber(text);
    if (value === undefined) problems.push(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
    return value ?? fallback;
  };
  // Shares out of range are refused here rather than by checkGenerateOptions, so that the message names the
  // option as typed (--sms-opt-in, not smsOptIn).
  const share = (name: 'duplicates' | 'sms-opt-in' | 'push-opt-in', fallback: number) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = rate(text);
    if (value === undefined || value > 1) {
      problems.push(`--${name} must be a number from 0 to 1, got ${JSON.stringify(text)}`);
      return fallback;
    }
    return value;
  };
  const options: GenerateOptions = {
    users: whole('users', GENERATE_DEFAULTS.users),
    days: whole('days', GENERATE_DEFAULTS.days),
    seed: whole('seed', GENERATE_DEFAULTS.seed),
    start: values.start ?? GENERATE_DEFAULTS.start,
    duplicates: share('duplicates', GENERATE_DEFAULTS.duplicates),
    smsOptIn: share('sms-opt-in', GENERATE_DEFAULTS.smsOptIn),
    pushOptIn: share('push-opt-in', GENERATE_DEFAULTS.pushOptIn),
  };
  if (problems.length === 0) problems.push(...checkGenerateOptions(options).map((p) => `--${p}`));
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(`${NAME}: ${problem}`);
    io.stderr(`\n${generateEventsUsage}`);
    return 2;
  }

  let count = 0;
  for (const event of generateEvents(options)) {
    io.stdout(JSON.stringify(event));
    count += 1;
    if (count % CHECK_EVERY === 0) await stdoutDrained();
  }
  io.stderr(
    `generated ${count} events for ${options.users} users over ${options.days} days (seed ${options.seed})`,
  );
  return 0;
}
