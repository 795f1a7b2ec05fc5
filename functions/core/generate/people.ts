/**
 * Who a synthetic customer is: name, contact addresses, device and network. Every address is fictional:
 * emails are on example.com/.org/.net (RFC 2606), IPs in the documentation ranges (RFC 5737), and phone
 * numbers in the ranges regulators reserve for fiction where one is known (NANP 555-01xx, Ofcom 07700 900xxx,
 * Bundesnetzagentur 030 23125xxx, ARCEP 06 39 98xx xx, ACMA's fictitious 0491 57x xxx mobiles). Brazil,
 * Nigeria, India, China, Japan and New Zealand publish no such range; their numbers are well-formed E.164
 * mobile numbers that may exist, so never send to them. Phone numbers are not unique across customers.
 */
import type { Random } from './random.ts';
import type { Zone } from './zones.ts';

type Names = { first: readonly string[]; last: readonly string[] };

const ENGLISH: Names = {
  first: [
    'Olivia',
    'Liam',
    'Emma',
    'Noah',
    'Ava',
    'Ethan',
    'Mia',
    'Lucas',
    'Grace',
    'Jack',
    'Chloe',
    'Henry',
  ],
  last: [
    'Smith',
    'Johnson',
    'Brown',
    'Taylor',
    'Wilson',
    'Walker',
    'Clark',
    'Patel',
    'Hall',
    'Young',
    'Martin',
    "O'Connor",
  ],
};
const NAMES: Record<string, Names> = {
  en: ENGLISH,
  es: {
    first: ['Sofia', 'Mateo', 'Camila', 'Diego', 'Valentina', 'Santiago'],
    last: ['Garcia', 'Martinez', 'Lopez', 'Hernandez', 'Gonzalez', 'Ramirez'],
  },
  pt: {
    first: ['Ana', 'Joao', 'Gabriel', 'Beatriz', 'Lucas', 'Julia'],
    last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Alvarez'],
  },
  de: {
    first: ['Lukas', 'Anna', 'Leon', 'Mia', 'Felix', 'Lena'],
    last: ['Mueller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker'],
  },
  fr: {
    first: ['Louis', 'Camille', 'Hugo', 'Chloe', 'Jules', 'Manon'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit'],
  },
  ng: {
    first: ['Chinedu', 'Aisha', 'Tunde', 'Ngozi', 'Emeka', 'Funmi'],
    last: ['Okafor', 'Bello', 'Adeyemi', 'Eze', 'Okonkwo', 'Abubakar'],
  },
  in: {
    first: ['Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Kavya'],
    last: ['Sharma', 'Patel', 'Singh', 'Iyer', 'Reddy', 'Gupta'],
  },
  zh: {
    first: ['Wei', 'Fang', 'Jing', 'Lei', 'Min', 'Hao'],
    last: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang'],
  },
  ja: {
    first: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Kenji'],
    last: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito'],
  },
};
const NAMES_BY_LOCALE: Record<string, string> = {
  'es-US': 'es',
  'pt-BR': 'pt',
  'de-DE': 'de',
  'fr-FR': 'fr',
  'en-NG': 'ng',
  'en-IN': 'in',
  'hi-IN': 'in',
  'zh-CN': 'zh',
  'ja-JP': 'ja',
};

const digits = (rng: Random, n: number) => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');
/** ACMA's fictitious mobile numbers: 0491 570 006 and the others, without the 0491. */
const AU_FICTIONAL = [
  '570006',
  '570156',
  '570157',
  '570158',
  '570159',
  '570110',
  '570313',
  '570737',
  '571266',
  '571491',
  '571804',
  '572549',
  '572665',
  '572983',
  '573770',
  '573087',
  '574118',
  '574632',
  '575254',
  '575789',
  '576398',
  '576801',
  '577426',
  '577644',
  '578957',
  '578148',
  '578888',
  '579212',
  '579760',
  '579455',
];
const US_AREAS: Record<string, readonly string[]> = {
  'America/Los_Angeles': ['213', '310', '323', '415', '424', '503', '619', '626', '702', '818'],
  'America/New_York': ['212', '305', '332', '347', '404', '617', '646', '718', '917', '929'],
};

/** An E.164 mobile number for a customer in `zone`. */
export function phoneFor(rng: Random, zone: Zone): string {
  switch (zone.id) {
    case 'America/Los_Angeles':
    case 'America/New_York':
      return `+1${rng.pick(US_AREAS[zone.id] ?? ['555'])}55501${digits(rng, 2)}`;
    case 'America/Sao_Paulo':
      return `+55119${digits(rng, 8)}`;
    case 'Europe/London':
      return `+447700900${digits(rng, 3)}`;
    case 'Europe/Berlin':
      return `+493023125${digits(rng, 3)}`;
    case 'Europe/Paris':
      return `+3363998${digits(rng, 4)}`;
    case 'Africa/Lagos':
      return `+234803${digits(rng, 7)}`;
    case 'Asia/Kolkata':
      return `+9198${digits(rng, 8)}`;
    case 'Asia/Shanghai':
      return `+86138${digits(rng, 8)}`;
    case 'Asia/Tokyo':
      return `+8190${digits(rng, 8)}`;
    case 'Australia/Sydney':
      return `+61491${rng.pick(AU_FICTIONAL)}`;
    default:
      return `+6421${digits(rng, 7)}`;
  }
}

/** The push device of the shop's app on a customer's phone: an APNs token, or an FCM registration token. */
function deviceFor(rng: Random, zone: Zone): NonNullable<Identity['device']> {
  return rng.chance(zone.apnsPercent / 100)
    ? { token: rng.hex(64), platform: 'APNS' }
    : { token: `${rng.alphanumeric(11)}:APA91b${rng.alphanumeric(134)}`, platform: 'FCM' };
}

export type Identity = {
  firstName: string;
  lastName: string;
  email: string;
  /** Absent for about one customer in six, unless they opt in to marketing SMS. */
  phone: string | undefined;
  locale: string;
  /** The shop's app: present for 45% of customers, and for every customer who opts in to marketing push. */
  device: { token: string; platform: 'APNS' | 'FCM' } | undefined;
  ip: string;
};

/** Shares of customers with missing or optional data, in percent (assumptions). */
export const PHONE_PERCENT = 82;
/** Customers with the shop's app installed, which gives a push device. */
export const PUSH_PERCENT = 45;

export function createIdentity(rng: Random, zone: Zone, number: number): Identity {
  const locale = rng.weighted(zone.locales);
  const names = NAMES[NAMES_BY_LOCALE[locale] ?? 'en'] ?? ENGLISH;
  const firstName = rng.pick(names.first);
  const lastName = rng.pick(names.last);
  const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  const email = `${local}${number}@example.${rng.weighted([
    ['com', 6],
    ['org', 2],
    ['net', 2],
  ])}`;
  const phone = rng.chance(PHONE_PERCENT / 100) ? phoneFor(rng, zone) : undefined;
  const device = rng.chance(PUSH_PERCENT / 100) ? deviceFor(rng, zone) : undefined;
  const ip = `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
  return { firstName, lastName, email, phone, locale, device, ip };
}

/** Shares of all customers who opt in to marketing by SMS and by push, each from 0 to 1. */
export type MarketingShares = { sms: number; push: number };

/** The marketing a customer opted in to, as `traits.consent` records it (docs/profile.md). */
export type MarketingOptIns = { sms: boolean; push: boolean };

/**
 * The chance that one customer opts in, for `share` of all customers to: those who have the address
 * (`holders` of all customers) come first, as a shop asks for the opt-in where it has the number or the app;
 * customers without one opt in only when the share is larger than `holders`.
 */
function optInChance(share: number, holders: number, holds: boolean): number {
  if (holds) return Math.min(1, share / holders);
  return share <= holders ? 0 : (share - holders) / (1 - holders);
}

/**
 * Whether a customer opts in to marketing SMS and push, so that `shares` of all customers do. A customer
 * without a phone number who opts in to SMS gives one with the opt-in, and one without the app who opts in to
 * push installs it: `identity` gains the number or the device. `rng` is a stream of the customer's own for this
 * (generate.ts), so the shares change nothing else the customer does, except that a customer who gave their
 * number with the opt-in is not asked for it again at checkout.
 */
export function optInToMarketing(
  rng: Random,
  identity: Identity,
  zone: Zone,
  shares: MarketingShares,
): MarketingOptIns {
  const sms = rng.chance(optInChance(shares.sms, PHONE_PERCENT / 100, identity.phone !== undefined));
  const push = rng.chance(optInChance(shares.push, PUSH_PERCENT / 100, identity.device !== undefined));
  if (sms && identity.phone === undefined) identity.phone = phoneFor(rng, zone);
  if (push && identity.device === undefined) identity.device = deviceFor(rng, zone);
  return { sms, push };
}
