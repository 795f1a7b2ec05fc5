import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { busTime } from '../core/events/event-line.ts';
import { describeValue } from '../core/events/index.ts';
import { MAX_ENTRY_BYTES, putEntryBytes } from '../core/events/limits.ts';
import { portOf } from './dynalite.ts';

/** The most entries one PutEvents call takes, as on AWS. */
export const MAX_ENTRIES = 10;
/**
 * A replay of an event file (local/replay.ts) names the ids its events had, one entry per request, so that
 * the local stack sees the file's events as the bus delivered them, ids included: a line repeated with its id
 * is then the same event delivered twice, as the simulator reads it. Apps never send it.
 */
export const REPLAY_ID_HEADER = 'x-cairn-replay-event-id';
/** The most bytes the entries of one PutEvents request may hold, as on AWS (256 KB, counted as it counts). */
export const MAX_REQUEST_BYTES = MAX_ENTRY_BYTES;
/**
 * The most bytes of request body read before the request is refused, while it is read: JSON escaping at most
 * multiplies a character by six (`\u0000`), so entries that fit 256 KB always fit 2 MB of body, and a 200 MB
 * body is refused after 2 MB, not held in memory.
 */
export const MAX_BODY_BYTES = 8 * MAX_REQUEST_BYTES;

/** EventBridge's answers to a request it refuses whole. */
const TOO_LARGE = 'Total size of the entries in the request is over the limit.';
const ENTRIES_NULL =
  "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null";
const entriesLength = (bound: string) =>
  `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`;

const Entry = z.object({
  Source: z.string().optional(),
  DetailType: z.string().optional(),
  Detail: z.string().optional(),
  Time: z.union([z.string(), z.number()]).optional(),
  Resources: z.array(z.string()).optional(),
  EventBusName: z.string().optional(),
  TraceHeader: z.string().optional(),
});
type Entry = z.infer<typeof Entry>;

/** The request's shape, as the JSON protocol reads it: a value of the wrong type fails the whole request. */
const PutEventsRequest = z.object({
  Entries: z.array(Entry).nullish(),
  EndpointId: z.string().optional(),
});

/** What a Lambda function URL handler returns (payload format 2.0), as the mounted handlers answer. */
const FunctionUrlResult = z.looseObject({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

export type EndpointOptions = {
  port?: number;
  account: string;
  region: string;
  now: () => number;
  /** Where an accepted event goes: on AWS, the bus's rule puts it on the ingest queue. */
  accept: (event: Record<string, unknown>) => void;
  /**
   * Awaited before a PutEvents request's entries are accepted: `--serve` holds the answer while the ingest
   * backlog is full, so that a sender faster than the stack waits (backpressure) instead of filling memory.
   */
  admit?: () => Promise<void>;
  /** Function URL handlers served under a path, e.g. `/unsubscribe`. */
  mounts?: Record<string, (event: unknown) => Promise<unknown>>;
};

export type LocalEndpoint = { url: string; server: Server; stop(): Promise<void> };

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/**
 * An EventBridge-compatible PutEvents endpoint: an app points its real `@aws-sdk/client-eventbridge` client at
 * it (`endpoint: http://localhost:PORT`) and its events flow into the local stack as they would into the bus.
 * Entries are checked as EventBridge checks them (Source, DetailType and a JSON-object Detail), each gets its
 * own id or error, and the envelope is the one a rule delivers. Function URL handlers may share the port.
 */
export async function startEndpoint(options: EndpointOptions): Promise<LocalEndpoint> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      send(response, 500, { __type: 'InternalException', message: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://localhost:${portOf(server.address())}`;
  return {
    url,
    server,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: EndpointOptions) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const mount = options.mounts?.[url.pathname];
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    // Refused while it was read: answer, and close the connection rather than read the rest.
    response.setHeader('connection', 'close');
    send(response, 400, { __type: 'ValidationException', message: TOO_LARGE });
    response.on('finish', () => request.destroy());
    return;
  }
  if (mount)
    return answerFunctionUrl(response, await mount(functionUrlEvent(request, url, body, options.now())));
  const target = request.headers['x-amz-target'];
  if (request.method === 'POST' && target === 'AWSEvents.PutEvents') {
    await options.admit?.();
    return send(response, ...putEvents(body, options, replayId(request)));
  }
  if (request.method === 'GET' && url.pathname === '/')
    return send(response, 200, {
      service: 'Cairn local stack',
      putEvents: 'POST / with X-Amz-Target: AWSEvents.PutEvents (point @aws-sdk/client-eventbridge here)',
      mounts: Object.keys(options.mounts ?? {}),
    });
  const message =
    typeof target === 'string' ? `operation ${target} is not served locally; only PutEvents is` : 'not found';
  return send(response, 400, { __type: 'UnknownOperationException', message });
}

function replayId(request: IncomingMessage): string | undefined {
  const id = request.headers[REPLAY_ID_HEADER];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function putEvents(body: Buffer, options: EndpointOptions, id: string | undefined): [number, unknown] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return [400, { __type: 'SerializationException', message: 'the request body is not JSON' }];
  }
  const request = PutEventsRequest.safeParse(json, { reportInput: true });
  if (!request.success)
    return [400, { __type: 'SerializationException', message: shapeProblem(request.error) }];
  const entries = request.data.Entries;
  if (entries === undefined || entries === null)
    return [400, { __type: 'ValidationException', message: ENTRIES_NULL }];
  if (entries.length < 1)
    return [400, { __type: 'ValidationException', message: entriesLength('greater than or equal to 1') }];
  if (entries.length > MAX_ENTRIES)
    return [
      400,
      { __type: 'ValidationException', message: entriesLength(`less than or equal to ${MAX_ENTRIES}`) },
    ];
  if (entries.reduce((bytes, entry) => bytes + entryBytes(entry), 0) > MAX_REQUEST_BYTES)
    return [400, { __type: 'ValidationException', message: TOO_LARGE }];
  const ids = entries.length === 1 && id !== undefined ? [id] : [];
  const results = entries.map((entry, i) => acceptEntry(entry, options, ids[i]));
  return [200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }];
}

/** The first field of the wrong type, with its place: `Entries[0].Source: expected a string, got 42`. */
function shapeProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'the request does not have the shape of PutEvents';
  const where = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
  const found =
    issue.code === 'invalid_type'
      ? `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`
      : issue.message;
  return where === '' ? found : `${where}: ${found}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function entryBytes(entry: Entry): number {
  return putEntryBytes({
    source: entry.Source ?? '',
    detailType: entry.DetailType ?? '',
    detail: entry.Detail ?? '',
    resources: entry.Resources,
    hasTime: entry.Time !== undefined,
  });
}

function acceptEntry(entry: Entry, options: EndpointOptions, givenId: string | undefined): EntryResult {
  const { Source, DetailType, Detail, Time, Resources } = entry;
  if (!Source) return required('Source');
  if (!DetailType) return required('DetailType');
  if (Detail === undefined) return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = eventTime(Time, options.now());
  if (time === undefined)
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Time is not valid. Reason: Time is not a valid timestamp.',
    };
  const id = givenId ?? randomUUID();
  options.accept({
    version: '0',
    id,
    'detail-type': DetailType,
    source: Source,
    account: options.account,
    time,
    region: options.region,
    resources: Resources ?? [],
    detail,
  });
  return { EventId: id };
}

/** EventBridge keeps the entry's Time (to the second) and stamps the arrival time when there is none. */
function eventTime(time: string | number | undefined, now: number): string | undefined {
  // The SDK sends a Date as epoch seconds; hand-written requests may send ISO text.
  const ms = time === undefined ? now : typeof time === 'number' ? time * 1000 : Date.parse(time);
  // A time a Date cannot hold has no ISO form: refused here rather than thrown by toISOString.
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? busTime(ms) : undefined;
}

/** The largest time a JavaScript Date holds (ECMA-262: 8.64e15 ms either side of 1970). */
const MAX_DATE_MS = 8.64e15;

function required(field: string): EntryResult {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
  };
}

/** The request as a Lambda function URL delivers it (payload format 2.0). */
function functionUrlEvent(request: IncomingMessage, url: URL, body: Buffer, now: number) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    requestContext: {
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      timeEpoch: now,
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

function answerFunctionUrl(response: ServerResponse, result: unknown): void {
  const parsed = FunctionUrlResult.safeParse(result);
  if (!parsed.success) {
    send(response, 502, { message: 'the handler returned no function URL response' });
    return;
  }
  const { statusCode, headers, body, isBase64Encoded } = parsed.data;
  response.writeHead(statusCode, headers);
  response.end(body === undefined ? undefined : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

/** The body, or undefined as soon as it passes `limit` bytes (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > limit) {
        request.off('data', onData);
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
