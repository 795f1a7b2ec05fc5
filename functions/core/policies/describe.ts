import { isChannel } from '../channels/index.ts';
import type { Policies } from './config.ts';

/** A rule reference of an outcome (`caps.marketing-weekly`, `quietHours.sms`, ...) in words, for explain. */
export function describeRule(policies: Policies | undefined, rule: string): string {
  const [kind, name, topic] = rule.split('.');
  switch (kind) {
    case 'caps': {
      const cap = policies?.caps.find((c) => c.id === name);
      if (!cap) return rule;
      const what = [cap.category, cap.tag ? `tagged "${cap.tag}"` : undefined].filter(Boolean).join(' ');
      return `at most ${cap.max} ${what ? `${what} ` : ''}message(s) per ${cap.per} on ${cap.channel === 'any' ? 'any channel' : cap.channel}`;
    }
    case 'quietHours': {
      const quiet = isChannel(name) ? policies?.quietHours[name] : undefined;
      return quiet ? `no ${name} from ${quiet.from} to ${quiet.to} local time (${quiet.behaviour})` : rule;
    }
    case 'sendWindows': {
      const window = isChannel(name) ? policies?.sendWindows[name] : undefined;
      if (!window) return rule;
      const open = window.open.map((o) => `${o.days.join(',')} ${o.from}-${o.to}`).join('; ');
      return `${name} only ${open} local time (${window.behaviour})`;
    }
    case 'closedDays': {
      const date = rule.slice('closedDays.'.length);
      const day = policies?.closedDays.dates.find((d) => d.date === date);
      return `closed day ${date}${day?.name ? ` (${day.name})` : ''}`;
    }
    case 'consent': {
      const mode = isChannel(name) ? policies?.consent[name]?.[topic ?? ''] : undefined;
      const needs = mode === 'opt-in' ? 'needs an explicit opt-in' : 'is not sent after an opt-out';
      return `${name} for ${topic} ${needs}`;
    }
    case 'suppression':
      return `the address is on the suppression list (${name})`;
    case 'ledger':
      return 'this message was already sent (dedupe ledger)';
    default:
      return rule;
  }
}
