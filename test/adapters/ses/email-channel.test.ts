import { createServer, type Socket } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CHANNEL_CLIENT_CONFIG } from '../../../functions/adapters/channels/index.ts';
import { DEFAULT_RETRY } from '../../../functions/adapters/channels/retry.ts';
import { SesEmailChannel } from '../../../functions/adapters/ses/email-channel.ts';
import { decodeTagValue } from '../../../functions/core/feedback/tag-values.ts';
import type { EmailMessage } from '../../../functions/core/ports/channel.ts';
import { composeMessage } from '../../../functions/core/runtime/compose.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { type SesLocal, startSesLocal } from '../../../functions/local/ses-local.ts';
import { customerEvent, memoryPorts, sampleComposer } from '../../handlers/support.ts';
import { portOf } from '../../support/dynalite.ts';
import { instantRetries } from '../channels/support.ts';

/** The part of a SendEmail request the store does not keep. */
const SentRequest = z.object({
  ConfigurationSetName: z.string().optional(),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })),
});

let ses: SesLocal;
let endpoint: string;

beforeAll(async () => {
  ses = await startSesLocal();
  endpoint = ses.url;
});

afterAll(async () => {
  await ses.stop();
});

beforeEach(async () => {
  await ses.clear();
});

/** An SES v2 client for a local endpoint, and every request input it sends (an SDK middleware). */
function localClient(at: string, options: { requestTimeout?: number } = {}) {
  const client = new SESv2Client({
    ...CHANNEL_CLIENT_CONFIG,
    endpoint: at,
    region: 'eu-west-1',
    // Fixed credentials: the SDK must never look for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: {
      ...CHANNEL_CLIENT_CONFIG.requestHandler,
      ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
    },
  });
  const inputs: unknown[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      inputs.push(args.input);
      return next(args);
    },
    { step: 'initialize', name: 'recordInput' },
  );
  return { client, inputs };
}

/** Ada signs up; the welcome series' first step, rendered by the real composer from journeys/templates. */
async function welcomeEmail(): Promise<EmailMessage> {
  const ports = await memoryPorts();
  const signUp = customerEvent('usr_ada', 'ada-signed-up', 'Signed Up', {
    traits: { email: 'ada@example.com', firstName: 'Ada', timezone: 'Europe/London' },
  });
  await ingest(JSON.stringify(signUp), ports, 'msg-1');
  const intent = ports.sends.messages.find((m) => m.send.intent.template === 'welcome')?.send.intent;
  const state = (await ports.states.load('usr_ada'))?.state;
  if (!intent || !state) throw new Error('the welcome series intended no welcome email');
  const composed = composeMessage(intent, 'email', state, await sampleComposer());
  if (!composed.ok || composed.message.channel !== 'email')
    throw new Error(`not composed: ${JSON.stringify(composed)}`);
  return composed.message;
}

describe('SesEmailChannel against aws-ses-v2-local', () => {
  it('sends the rendered welcome email with the unsubscribe headers and the ids as tags', async () => {
    // Prepare
    const message = await welcomeEmail();
    const { client, inputs } = localClient(endpoint);
    const channel = new SesEmailChannel({
      client,
      from: 'Example Roasters <news@example.com>',
      replyTo: 'help@example.com',
      configurationSet: 'cairn-feedback',
    });

    // Act
    const result = await channel.send(message);

    // Assess
    const stored = await ses.emails();
    expect(stored).toHaveLength(1);
    const [email] = stored;
    expect(result).toEqual({ ok: true, providerMessageId: email?.messageId });
    expect(email).toMatchObject({
      from: 'Example Roasters <news@example.com>',
      replyTo: ['help@example.com'],
      destination: { to: ['ada@example.com'] },
      subject: 'Welcome to Example Roasters, Ada',
    });
    expect(message.unsubscribeUrl).toMatch(/^https:\/\/unsubscribe\.test\/\?token=[\w-]+\.[\w-]+$/);
    expect(email?.body.html).toContain('<h1>Welcome, Ada!</h1>');
    expect(email?.body.html).toContain('utm_campaign=welcome-series');
    expect(email?.body.html).toContain(`<a href="${message.unsubscribeUrl}">Unsubscribe</a>`);
    expect(email?.body.text).toContain('Welcome, Ada!');
    expect(email?.body.text).toContain(`Unsubscribe: ${message.unsubscribeUrl}`);
    expect(email?.headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${message.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    const request = SentRequest.parse(inputs[0]);
    expect(request.ConfigurationSetName).toBe('cairn-feedback');
    const tags = Object.fromEntries(request.EmailTags.map((t) => [t.Name, decodeTagValue(t.Value)]));
    expect(tags).toEqual({
      'cairn-user': 'usr_ada',
      'cairn-journey': 'welcome-series',
      'cairn-step': 'welcome-email',
      'cairn-message': message.intent.messageId,
    });
    expect(request.EmailTags.every((t) => /^[\w-]+$/.test(t.Value))).toBe(true);
  });

  it('refuses for good what SES refuses as a bad request, without retrying', async () => {
    // Prepare: aws-ses-v2-local answers 400 to a send without a From address, as SES does.
    const message = await welcomeEmail();
    const { client, inputs } = localClient(endpoint);
    const { retry, sleeps } = instantRetries();
    const channel = new SesEmailChannel({ client, from: '', retry });

    // Act
    const result = await channel.send(message);

    // Assess
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(inputs).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('SesEmailChannel over a failing network', () => {
  it('retries a connection that was refused, then gives up with a failure that is not permanent', async () => {
    // Prepare: a port that was free a moment ago, so nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = portOf(probe.address());
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { client, inputs } = localClient(`http://127.0.0.1:${port}`);
    const { retry, sleeps } = instantRetries();
    const channel = new SesEmailChannel({ client, from: 'news@example.com', retry });

    // Act
    const result = await channel.send(await welcomeEmail());

    // Assess
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(result.ok === false && result.reason).toMatch(
      /^retries-exhausted after 4 attempts: .*ECONNREFUSED/,
    );
    expect(inputs).toHaveLength(DEFAULT_RETRY.maxAttempts);
    expect(sleeps).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
  });

  it('throws a timeout after the request left, without sending it again', async () => {
    // Prepare: a server that reads the request and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { client } = localClient(`http://127.0.0.1:${portOf(silent.address())}`, { requestTimeout: 200 });
    const channel = new SesEmailChannel({ client, from: 'news@example.com', retry: instantRetries().retry });

    // Act
    const sent = channel.send(await welcomeEmail());

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sockets).toHaveLength(1);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
