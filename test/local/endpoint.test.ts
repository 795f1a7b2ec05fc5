import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEndpoint, startEndpoint } from '../../functions/local/endpoint.ts';

let endpoint: LocalEndpoint;
const accepted: Record<string, unknown>[] = [];

beforeAll(async () => {
  endpoint = await startEndpoint({
    account: '000000000000',
    region: 'local',
    now: () => Date.parse('2026-11-02T10:00:00Z'),
    accept: (event) => accepted.push(event),
  });
});
afterAll(() => endpoint.stop());

type Answer = { status: number; body: Record<string, unknown>; sent: number };

/** A PutEvents request with a body written in pieces, as a client streams it; how much was written before the answer. */
function putEvents(chunks: AsyncIterable<string> | Iterable<string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      `${endpoint.url}/`,
      {
        method: 'POST',
        headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sent }));
      },
    );
    req.on('error', (error) => (answered ? undefined : reject(error)));
    (async () => {
      for await (const chunk of chunks) {
        if (answered) break;
        sent += Buffer.byteLength(chunk);
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(() => {});
  });
}

const put = (body: unknown) => putEvents([JSON.stringify(body)]);
const entry = (fields: Record<string, unknown>) => ({
  Source: 'com.example.shop',
  DetailType: 'Signed Up',
  Detail: JSON.stringify({ userId: 'usr_1' }),
  ...fields,
});

describe('the local PutEvents endpoint', () => {
  it('refuses a 200 MB body while reading it, after reading little more than the limit', async () => {
    // Prepare: a body that never ends before 200 MB
    async function* huge() {
      yield '{"Entries":[{"Source":"s","DetailType":"d","Detail":"{\\"blob\\":\\"';
      const chunk = 'a'.repeat(64 * 1024);
      for (let i = 0; i < 3200; i++) yield chunk;
      yield '\\"}"}]}';
    }

    // Act
    const answer = await putEvents(huge());

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(answer.sent).toBeLessThan(20 * 1024 * 1024);
  });

  it("refuses entries whose total size is over 256 KB with EventBridge's error", async () => {
    // Prepare
    const big = entry({ Detail: JSON.stringify({ userId: 'usr_1', blob: 'a'.repeat(140_000) }) });

    // Act
    const answer = await put({ Entries: [big, big] });

    // Assess
    expect(answer).toMatchObject({
      status: 400,
      body: {
        __type: 'ValidationException',
        message: 'Total size of the entries in the request is over the limit.',
      },
    });
  });

  it.each([
    [
      { Source: undefined },
      'InvalidArgument',
      'Parameter Source is not valid. Reason: Source is a required argument.',
    ],
    [
      { DetailType: undefined },
      'InvalidArgument',
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    ],
    [
      { Detail: undefined },
      'InvalidArgument',
      'Parameter Detail is not valid. Reason: Detail is a required argument.',
    ],
    [{ Detail: '[1]' }, 'MalformedDetail', 'Detail is malformed.'],
    [{ Detail: '{"a":' }, 'MalformedDetail', 'Detail is malformed.'],
  ])('answers a bad entry %j with %s: %s', async (fields, code, message) => {
    // Act
    const answer = await put({ Entries: [entry(fields), entry({})] });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.FailedEntryCount).toBe(1);
    expect(answer.body.Entries).toEqual([
      { ErrorCode: code, ErrorMessage: message },
      { EventId: expect.any(String) },
    ]);
  });

  it('names a malformed Time as malformed, not as missing', async () => {
    // Act
    const answer = await put({ Entries: [entry({ Time: 'yesterday' })] });

    // Assess
    expect(answer.body.Entries).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Time is not valid. Reason: Time is not a valid timestamp.',
      },
    ]);
  });

  it('names a field of the wrong type, not "the entry is not an object"', async () => {
    // Act
    const answer = await put({ Entries: [entry({ Source: 42 })] });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'SerializationException',
      message: 'Entries[0].Source: expected a string, got 42',
    });
  });

  it('tells a missing Entries list apart from one of the wrong length', async () => {
    // Act
    const missing = await put({});
    const tooMany = await put({ Entries: Array.from({ length: 11 }, () => entry({})) });

    // Assess
    expect(missing.body).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    });
    expect(tooMany.body).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
    });
  });
});
