import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import * as sesLocalModule from 'aws-ses-v2-local';
import * as z from 'zod';
import { portOf } from './dynalite.ts';

type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const StartSes = z.custom<StartSes>((value) => typeof value === 'function');

/** One email as aws-ses-v2-local keeps it (GET /store). */
export const StoredEmail = z.looseObject({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()).optional(),
  destination: z.looseObject({ to: z.array(z.string()) }),
  subject: z.string(),
  body: z.looseObject({ html: z.string().optional(), text: z.string().optional() }),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  at: z.number(),
});
export type StoredEmail = z.infer<typeof StoredEmail>;

const Store = z.looseObject({ emails: z.array(StoredEmail) });

export type SesLocal = {
  /** The SES v2 endpoint for an `SESv2Client`, and the web page that shows the emails. */
  url: string;
  emails(): Promise<StoredEmail[]>;
  /** Forgets every email stored so far. */
  clear(): Promise<void>;
  /** Drops the oldest emails beyond the `keep` the server was started with (none without it). */
  trim(): void;
  stop(): Promise<void>;
};

/**
 * The package is CommonJS with its server as `exports.default`; depending on the loader (tsx, vitest, plain
 * Node) an import sees that function one or two `default`s deep.
 */
function startFunction(): StartSes {
  const candidates: unknown[] = [sesLocalModule];
  for (let i = 0; i < 2; i++) {
    const last = candidates.at(-1);
    if (typeof last === 'object' && last !== null && 'default' in last) candidates.push(last.default);
  }
  for (const candidate of candidates) {
    const parsed = StartSes.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  throw new Error('aws-ses-v2-local exports no server function');
}

/**
 * The package's email store (the array its page and `/store` read), from the same module instance its server
 * uses: there is no API to drop old emails, only to clear them all.
 */
const PackageStore = z.object({
  getStoreReadonly: z.custom<() => { emails: unknown[] }>((value) => typeof value === 'function'),
});

function emailStore(): { emails: unknown[] } | undefined {
  const parsed = PackageStore.safeParse(createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js'));
  const store: unknown = parsed.success ? parsed.data.getStoreReadonly() : undefined;
  return typeof store === 'object' && store !== null && 'emails' in store && Array.isArray(store.emails)
    ? { emails: store.emails }
    : undefined;
}

/**
 * Starts aws-ses-v2-local (the SES v2 API and a web page of the emails sent) on a loopback port. With `keep`,
 * only the latest `keep` emails stay in its store (`--serve`: the page shows the latest, memory stays bounded).
 */
export async function startSesLocal(port = 0, keep?: number): Promise<SesLocal> {
  const server = await startFunction()({ host: '127.0.0.1', port });
  const url = `http://127.0.0.1:${portOf(server.address())}`;
  const clear = async () => {
    await fetch(`${url}/clear-store`, { method: 'POST' });
  };
  // The package keeps its emails in one store per process: a new stack starts with none.
  await clear();
  const store = keep === undefined ? undefined : emailStore();
  if (keep !== undefined && store === undefined)
    throw new Error(
      'aws-ses-v2-local keeps its emails where Cairn cannot bound them; update functions/local/ses-local.ts',
    );
  return {
    url,
    clear,
    trim() {
      // The package replaces its array on clear, so it is read again each time.
      const emails = emailStore()?.emails;
      if (keep !== undefined && emails && emails.length > keep) emails.splice(0, emails.length - keep);
    },
    async emails() {
      const response = await fetch(`${url}/store`);
      return Store.parse(await response.json()).emails;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
