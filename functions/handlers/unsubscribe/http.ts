import * as z from 'zod';

/**
 * The parts of a Lambda function URL request (payload format 2.0) the unsubscribe endpoint reads. The local
 * stack builds the same shape from its own HTTP server, so both run one handler.
 */
export const FunctionUrlRequest = z.lazy(() =>
  z.looseObject({
    rawQueryString: z.string().default(''),
    queryStringParameters: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    requestContext: z.looseObject({ http: z.looseObject({ method: z.string().min(1) }) }),
    body: z.string().optional(),
    isBase64Encoded: z.boolean().default(false),
  }),
);
export type FunctionUrlRequest = z.infer<typeof FunctionUrlRequest>;

/** What a function URL turns into the HTTP response. */
export type FunctionUrlResponse = { statusCode: number; headers: Record<string, string>; body: string };

/** The `token` query parameter: unsubscribe links carry it there, and RFC 8058 POSTs go to the same URL. */
export function tokenOf(request: FunctionUrlRequest): string | undefined {
  const fromRaw = new URLSearchParams(request.rawQueryString).get('token');
  return fromRaw ?? request.queryStringParameters?.token;
}

export function bodyText(request: FunctionUrlRequest): string {
  if (request.body === undefined) return '';
  return request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

/** A multipart part named List-Unsubscribe whose value is One-Click (RFC 8058 allows multipart/form-data). */
const MULTIPART_ONE_CLICK = /name="?List-Unsubscribe"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/;

/**
 * Whether a POST is RFC 8058 one-click: its body is `List-Unsubscribe=One-Click`, form-encoded or as a
 * multipart field. Only the method recorded with the opt-out depends on it: the signed token alone authorises
 * the opt-out, so a POST from Cairn's own confirmation page works the same.
 */
export function isOneClick(body: string): boolean {
  if (MULTIPART_ONE_CLICK.test(body)) return true;
  return new URLSearchParams(body.trim()).get('List-Unsubscribe') === 'One-Click';
}
