import type { Channel, Weekday } from '../journeys/schema-parts.ts';
import type {
  ClosedDays as CairnClosedDays,
  OpenHours as CairnOpenHours,
  CapRule,
  QuietHours,
  SendWindow,
} from '../policies/config.ts';
import type { PinpointCampaign } from './campaign-source.ts';
import type { ObjectFindings } from './report.ts';
import type { ApplicationSettings, ClosedDays, OpenHours, PinpointJourney } from './source.ts';

/** policies.yaml as written: only what Pinpoint said, the rest left to the defaults (docs/policies.md). */
export type PoliciesOut = {
  caps?: CapRule[];
  quietHours?: Partial<Record<Channel, QuietHours>>;
  sendWindows?: Partial<Record<Channel, SendWindow>>;
  closedDays?: CairnClosedDays;
  consent: Record<Channel, Record<string, 'opt-out'>>;
};

const CHANNELS: readonly [string, Channel][] = [
  ['EMAIL', 'email'],
  ['SMS', 'sms'],
  ['PUSH', 'push'],
];

const DAYS: Record<string, Weekday> = {
  MONDAY: 'mon',
  TUESDAY: 'tue',
  WEDNESDAY: 'wed',
  THURSDAY: 'thu',
  FRIDAY: 'fri',
  SATURDAY: 'sat',
  SUNDAY: 'sun',
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function quietHoursOf(
  quiet: { Start?: string | undefined; End?: string | undefined } | undefined,
  behaviour: 'hold' | 'drop',
  where: string,
  findings: ObjectFindings,
): Partial<Record<Channel, QuietHours>> | undefined {
  if (!quiet?.Start || !quiet.End) return undefined;
  if (!HHMM.test(quiet.Start) || !HHMM.test(quiet.End) || quiet.Start === quiet.End) {
    findings.skip(
      where,
      `expected Start and End as different HH:MM times, found ${quiet.Start} to ${quiet.End}`,
    );
    return undefined;
  }
  findings.map(where, `quietHours ${quiet.Start} to ${quiet.End} on email, SMS and push (${behaviour})`);
  const rule: QuietHours = { from: quiet.Start, to: quiet.End, behaviour, overriddenBy: ['transactional'] };
  return { email: rule, sms: rule, push: rule };
}

function sendWindowsOf(
  open: OpenHours,
  where: string,
  findings: ObjectFindings,
): Partial<Record<Channel, SendWindow>> {
  const out: Partial<Record<Channel, SendWindow>> = {};
  for (const [key, channel] of CHANNELS) {
    const days = open[key as keyof OpenHours];
    if (!days) continue;
    const rules: CairnOpenHours[] = [];
    for (const [day, hours] of Object.entries(days))
      for (const h of hours ?? [])
        if (
          h.StartTime &&
          h.EndTime &&
          HHMM.test(h.StartTime) &&
          HHMM.test(h.EndTime) &&
          h.StartTime < h.EndTime
        )
          rules.push({ days: [DAYS[day] ?? 'mon'], from: h.StartTime, to: h.EndTime });
        else
          findings.skip(
            `${where}.${key}.${day}`,
            `expected StartTime before EndTime as HH:MM, found ${h.StartTime} to ${h.EndTime}`,
          );
    if (rules.length > 0) out[channel] = { open: rules, behaviour: 'hold', overriddenBy: ['transactional'] };
  }
  for (const key of ['VOICE', 'CUSTOM'] as const)
    if (open[key])
      findings.skip(`${where}.${key}`, 'Cairn has no voice channel, and call steps have no open hours');
  if (Object.keys(out).length > 0) findings.map(where, 'sendWindows per channel');
  return out;
}

/** Each whole local day from start to end; a rule that starts or ends within a day closes the whole day. */
function daysOf(start: string, end: string): string[] | undefined {
  const from = Date.parse(`${start.slice(0, 10)}T00:00:00Z`);
  const to = Date.parse(`${end.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from || to - from > 366 * 86_400_000) return undefined;
  const days: string[] = [];
  for (let t = from; t <= to; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

function closedDaysOf(closed: ClosedDays, where: string, findings: ObjectFindings): CairnClosedDays['dates'] {
  const dates: CairnClosedDays['dates'] = [];
  for (const [key, channel] of CHANNELS)
    (closed[key as keyof ClosedDays] ?? []).forEach((rule, i) => {
      const days =
        rule.StartDateTime && rule.EndDateTime ? daysOf(rule.StartDateTime, rule.EndDateTime) : undefined;
      if (!days) {
        findings.skip(
          `${where}.${key}[${i}]`,
          'expected StartDateTime and EndDateTime, at most a year apart',
        );
        return;
      }
      if (rule.StartDateTime?.slice(11, 16) !== '00:00')
        findings.change(
          `${where}.${key}[${i}]`,
          'Cairn closes whole local days: the times of day are not kept',
        );
      for (const date of days)
        dates.push({ date, ...(rule.Name ? { name: rule.Name } : {}), channels: [channel] });
    });
  if (closed.VOICE || closed.CUSTOM) findings.skip(`${where}.VOICE`, 'Cairn has no voice channel');
  return dates;
}

/** One more quiet time (a journey's or a campaign's): written when none is yet, else said to differ. */
function addQuietHours(
  out: PoliciesOut,
  own: Partial<Record<Channel, QuietHours>> | undefined,
  where: string,
  findings: ObjectFindings,
): void {
  if (own && !out.quietHours) out.quietHours = own;
  else if (own && JSON.stringify(own) !== JSON.stringify(out.quietHours))
    findings.skip(where, 'differs from the quiet time already written; Cairn has one quiet time per channel');
}

/**
 * The application's settings, and the timing settings of the journeys and campaigns (which Cairn keeps for
 * every journey in policies.yaml), as the delivery policies.
 */
export function importPolicies(
  settings: ApplicationSettings | undefined,
  journeys: readonly PinpointJourney[],
  campaigns: readonly PinpointCampaign[],
  findings: ObjectFindings,
): PoliciesOut {
  const caps: CapRule[] = [];
  const limits = settings?.JourneyLimits;
  if (limits?.DailyCap) {
    caps.push({ id: 'pinpoint-daily', max: limits.DailyCap, per: 'P1D', channel: 'any' });
    findings.map(
      'JourneyLimits.DailyCap',
      `cap pinpoint-daily: ${limits.DailyCap} messages per customer per day from all journeys`,
    );
  }
  const frame = limits?.TimeframeCap;
  if (frame?.Cap && frame.Days) {
    caps.push({ id: 'pinpoint-timeframe', max: frame.Cap, per: `P${frame.Days}D`, channel: 'any' });
    findings.map('JourneyLimits.TimeframeCap', `cap pinpoint-timeframe: ${frame.Cap} per ${frame.Days} days`);
  }
  if (limits?.TotalCap)
    findings.map('JourneyLimits.TotalCap', "each journey's limits.total when it sets none");
  if (settings?.Limits)
    findings.map(
      'Limits',
      "the campaigns' default limits: each campaign that sets none takes them (see each campaign)",
    );
  if (settings?.CampaignHook) findings.skip('CampaignHook', 'campaign hooks have no Cairn equivalent');
  const quiet = quietHoursOf(settings?.QuietTime, 'hold', 'QuietTime', findings);
  const out: PoliciesOut = {
    ...(caps.length > 0 ? { caps } : {}),
    ...(quiet ? { quietHours: quiet } : {}),
    consent: {
      email: { marketing: 'opt-out' },
      sms: { marketing: 'opt-out' },
      push: { marketing: 'opt-out' },
    },
  };
  findings.change(
    'consent',
    "Pinpoint sent to every endpoint that had not opted out: marketing on every channel is opt-out here. Cairn's " +
      'default for SMS and push is opt-in; decide what your consent records and the law allow (docs/policies.md)',
  );
  for (const journey of journeys) {
    const where = `journey ${journey.Name}`;
    const own = quietHoursOf(
      journey.QuietTime,
      journey.WaitForQuietTime === false ? 'drop' : 'hold',
      `${where}: QuietTime`,
      findings,
    );
    addQuietHours(out, own, `${where}: QuietTime`, findings);
    if (journey.SendingSchedule === false && (journey.OpenHours || journey.ClosedDays)) {
      findings.skip(
        `${where}: OpenHours, ClosedDays`,
        'SendingSchedule is false: Pinpoint did not apply them, so they are not written',
      );
      continue;
    }
    const windows = journey.OpenHours
      ? sendWindowsOf(journey.OpenHours, `${where}: OpenHours`, findings)
      : {};
    out.sendWindows = { ...windows, ...out.sendWindows };
    const dates = journey.ClosedDays
      ? closedDaysOf(journey.ClosedDays, `${where}: ClosedDays`, findings)
      : [];
    if (dates.length > 0)
      out.closedDays = {
        dates: [...(out.closedDays?.dates ?? []), ...dates],
        behaviour: 'hold',
        overriddenBy: ['transactional'],
      };
  }
  for (const campaign of campaigns) {
    const where = `campaign ${campaign.Name ?? campaign.Id}: Schedule.QuietTime`;
    addQuietHours(out, quietHoursOf(campaign.Schedule?.QuietTime, 'hold', where, findings), where, findings);
  }
  if (out.sendWindows && Object.keys(out.sendWindows).length === 0) delete out.sendWindows;
  return out;
}
