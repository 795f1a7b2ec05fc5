import { CHANNELS } from '../../core/channels/index.ts';
import type { UnsubscribeRefusal } from '../../core/runtime/unsubscribe.ts';
import type { UnsubscribeClaims } from '../../core/unsubscribe/token.ts';
import type { FunctionUrlResponse } from './http.ts';

/**
 * Headers of every page. The token is in the page's URL, so no referrer may carry it elsewhere; the page loads
 * nothing and runs nothing, so the policy forbids everything but its inline style and posting to itself; and a
 * per-customer page must not be cached by a proxy.
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** What the link unsubscribes from, in words: `marketing email`, `all text messages`. */
export function describeSubscription(claims: Pick<UnsubscribeClaims, 'channel' | 'topic'>): string {
  const channel = CHANNELS[claims.channel].inWords;
  return claims.topic === undefined ? `all ${channel}` : `${claims.topic} ${channel}`;
}

function page(statusCode: number, title: string, paragraphs: string[], form = ''): FunctionUrlResponse {
  const body = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.5rem 1rem}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    form,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { statusCode, headers: { ...PAGE_HEADERS }, body };
}

/** GET: what the link will do, and the button that does it (a POST to the same URL). */
export function confirmationPage(token: string, claims: UnsubscribeClaims): FunctionUrlResponse {
  const form = [
    `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}">`,
    '<input type="hidden" name="confirm" value="yes">',
    '<button type="submit">Unsubscribe</button>',
    '</form>',
  ].join('\n');
  return page(
    200,
    'Unsubscribe',
    [`Do you want to stop receiving ${describeSubscription(claims)} from us?`],
    form,
  );
}

export function unsubscribedPage(claims: UnsubscribeClaims): FunctionUrlResponse {
  return page(200, 'You are unsubscribed', [
    `You will no longer receive ${describeSubscription(claims)} from us.`,
  ]);
}

export function refusedPage(reason: UnsubscribeRefusal): FunctionUrlResponse {
  switch (reason) {
    case 'expired':
      return page(403, 'This link has expired', [
        'Unsubscribe links work for a limited time, and this one has expired. Nothing was changed.',
        'Use the unsubscribe link in a more recent message from us.',
      ]);
    case 'tampered':
    case 'malformed':
      return page(403, 'This link is not valid', [
        'This unsubscribe link is incomplete or was changed, so nothing was changed.',
        'Open the link exactly as it appears in the message, or use the one in a more recent message.',
      ]);
    default:
      return unreachable(reason);
  }
}

export function methodNotAllowed(): FunctionUrlResponse {
  return {
    statusCode: 405,
    headers: { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, POST' },
    body: 'Method Not Allowed\n',
  };
}

export function badRequest(): FunctionUrlResponse {
  return {
    statusCode: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'Bad Request\n',
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected refusal ${JSON.stringify(value)}`);
}
