import { parseArgs } from 'node:util';
import * as z from 'zod';
import { parseConfigFile } from '../../core/diagnostics/config-file.ts';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import type { SendIntent } from '../../core/engine/state.ts';
import { VirtualClock } from '../../core/runtime/clock.ts';
import { runUntil } from '../../core/runtime/drive.ts';
import { loadRuntimeConfig } from '../../handlers/shared/config.ts';
import { entriesFromNdjson, runEventFile } from '../../local/replay.ts';
import { servedLine } from '../../local/report.ts';
import { startLocalStack } from '../../local/stack.ts';
import type { CliIo } from '../io.ts';

export const campaignsUsage = `Usage: cairn campaigns send-test ID --to FILE [--journeys DIR] [--show-pii]

Sends each message of campaign ID (every treatment's) to each recipient of FILE through the deliver path of the
local stack (npm start's: dynalite, the deliver handler, aws-ses-v2-local): the delivery policies decide, the
send ledger claims, the template renders with the recipient's profile, the channel sends. Test sends are
transactional (caps and marketing consent do not hold them back) and tagged test-send.

  --to FILE      a YAML or JSON list of recipients: { userId, email, phone?, timezone?, traits? }
  --journeys     the journeys folder (default journeys)
  --show-pii     print addresses and subjects unmasked`;

const Recipient = z.strictObject({
  userId: z.string().min(1),
  email: z.email().optional(),
  phone: z.string().optional(),
  timezone: z.string().optional(),
  traits: z.record(z.string(), z.json()).optional(),
});
const Recipients = z.array(Recipient).min(1, 'expected at least one recipient');

export async function campaignsCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    io.stderr(
      `cairn campaigns: ${error instanceof Error ? error.message : String(error)}\n${campaignsUsage}`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  const [verb, id] = positionals;
  if (verb !== 'send-test' || id === undefined || values.to === undefined) {
    io.stderr(campaignsUsage);
    return 2;
  }
  const recipients = parseConfigFile(Recipients, values.to, await io.readFile(values.to));
  if (!recipients.value) {
    for (const problem of recipients.problems) io.stderr(formatProblem(problem));
    return 1;
  }
  const journeysDir = values.journeys ?? 'journeys';
  const config = await loadRuntimeConfig(journeysDir, undefined, 'UTC');
  const campaign = config.catalog.latestOf(id);
  if (!campaign?.journey.trigger.schedule) {
    const known = [...config.catalog.latest()].filter((j) => j.journey.trigger.schedule).map((j) => j.id);
    io.stderr(
      `cairn campaigns send-test: no campaign or scheduled journey "${id}"; known: ${known.join(', ') || 'none'}`,
    );
    return 1;
  }
  const now = Date.now();
  const clock = new VirtualClock(now);
  const stack = await startLocalStack({ journeysDir, clock });
  try {
    // The recipients become customers first, as an import or an app's identify would make them.
    const lines = recipients.value.map((r, i) =>
      JSON.stringify({
        id: `send-test-${i}`,
        source: 'cairn.send-test',
        'detail-type': 'Identify',
        time: new Date(now).toISOString(),
        detail: {
          userId: r.userId,
          traits: {
            ...r.traits,
            ...(r.email ? { email: r.email } : {}),
            ...(r.phone ? { phone: r.phone } : {}),
            ...(r.timezone ? { timezone: r.timezone } : {}),
          },
        },
      }),
    );
    const { entries, skipped } = entriesFromNdjson(lines.join('\n'));
    await runEventFile(stack, clock, { entries, skipped, daysAfter: 0, policies: null });
    for (const recipient of recipients.value)
      for (const step of campaign.journey.steps)
        if (step.type === 'send')
          await stack.enqueueSend({ intent: testIntent(id, campaign.version, step, recipient.userId, now) });
    await runUntil(stack, clock, now + 60_000);
    const pii = values['show-pii'] ? 'shown' : 'masked';
    for (const message of stack.sent) io.stdout(servedLine(message, pii));
    const outcomes = [...stack.results.messages.values()].filter((m) => m.journeyId === id);
    const failed = outcomes.filter((m) => m.status !== 'SENT');
    for (const m of failed) io.stderr(`${m.userId} ${m.stepId}: ${m.status} ${m.reason}`);
    io.stdout(
      `${outcomes.length - failed.length} of ${outcomes.length} test message(s) sent through the local stack's deliver path`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { to: { type: 'string' }, journeys: { type: 'string' }, 'show-pii': { type: 'boolean' } },
    strict: true,
  });
}

function testIntent(
  campaignId: string,
  version: string,
  step: { id: string; channel: SendIntent['channels'][number] | SendIntent['channels']; template: string },
  userId: string,
  now: number,
): SendIntent {
  const id = `send-test:${campaignId}:${step.id}:${userId}:${now}`;
  return {
    messageId: id,
    userId,
    journeyId: campaignId,
    journeyVersion: version,
    enrollmentId: id,
    stepId: step.id,
    channels: Array.isArray(step.channel) ? step.channel : [step.channel],
    template: step.template,
    priority: 'high',
    category: 'transactional',
    tags: ['test-send'],
    variant: step.id.replace(/^send-?/, '') || 'message',
    at: now,
  };
}
