/**
 * `cairn pinpoint export`: every definition of a Pinpoint project, read-only, one raw JSON file per object and
 * a manifest. Resumable: an object whose file is already written is not read again, so a run stopped by an
 * interruption or a throttle that outlasted its retries goes on where it stopped. The Pinpoint side is reached
 * through `PinpointProject` (the adapter: functions/adapters/pinpoint/project-reader.ts), the folder through
 * `ExportStore`, time through `sleep`: so tests run on recorded responses without waiting.
 */

export type Page = { items: unknown[]; next?: string };

/** The reads the export makes; each returns the API's own objects. */
export type PinpointProject = {
  journeys(token?: string): Promise<Page>;
  journey(id: string): Promise<unknown>;
  segments(token?: string): Promise<Page>;
  segmentVersions(id: string, token?: string): Promise<Page>;
  campaigns(token?: string): Promise<Page>;
  campaignVersions(id: string, token?: string): Promise<Page>;
  templates(token?: string): Promise<Page>;
  template(name: string, type: string): Promise<unknown>;
  applicationSettings(): Promise<unknown>;
  eventStream(): Promise<unknown | undefined>;
  /** Starts an endpoint export job (the only write: a job, not a definition) and returns its id. */
  startEndpointExport(roleArn: string, s3UrlPrefix: string): Promise<string>;
  endpointExportStatus(jobId: string): Promise<{ status: string; failure?: string }>;
};

export type ExportStore = {
  has(path: string): Promise<boolean>;
  write(path: string, value: unknown): Promise<void>;
  read(path: string): Promise<unknown>;
  /** Writes a file from its bytes as they come, gunzipped when they are gzip; all or nothing. */
  writeBytes(path: string, bytes: AsyncIterable<Uint8Array>): Promise<void>;
};

/** The objects an endpoint export job wrote (in S3): the adapter is functions/adapters/s3/export-objects.ts. */
export type ExportObjects = {
  /** One page of the keys under an `s3://bucket/prefix/` URL. */
  list(s3UrlPrefix: string, token?: string): Promise<{ keys: string[]; next?: string }>;
  /** The bytes of one object, by its key in the prefix's bucket. */
  read(s3UrlPrefix: string, key: string): AsyncIterable<Uint8Array>;
};

export type ExportOptions = {
  sleep: (ms: number) => Promise<void>;
  progress: (line: string) => void;
  endpoints?: { roleArn: string; s3UrlPrefix: string; objects: ExportObjects };
  /** Attempts per call when Pinpoint throttles (TooManyRequestsException, HTTP 429). */
  attempts?: number;
};

function isThrottle(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = 'name' in error ? error.name : undefined;
  const status =
    '$metadata' in error &&
    typeof error.$metadata === 'object' &&
    error.$metadata !== null &&
    'httpStatusCode' in error.$metadata
      ? error.$metadata.httpStatusCode
      : undefined;
  return name === 'TooManyRequestsException' || name === 'ThrottlingException' || status === 429;
}

/** Calls again after a throttle, waiting 1 s, 2 s, 4 s... (at most 30 s); any other error is thrown. */
export async function withRetries<T>(call: () => Promise<T>, options: ExportOptions): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottle(error) || attempt >= attempts) throw error;
      const wait = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      options.progress(
        `throttled by Pinpoint; retrying in ${wait / 1000} s (attempt ${attempt + 1} of ${attempts})`,
      );
      await options.sleep(wait);
    }
  }
}

async function allPages(list: (token?: string) => Promise<Page>, options: ExportOptions): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const page = await withRetries(() => list(token), options);
    items.push(...page.items);
    token = page.next;
  } while (token);
  return items;
}

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = Object.entries(value).find(([k]) => k === key)?.[1];
  return typeof found === 'string' ? found : typeof found === 'number' ? String(found) : undefined;
}

/** A file name from an id or name that Pinpoint chose: safe on every file system. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

export type ExportSummary = { written: number; kept: number; files: string[] };

/** Exports the project into the store; returns what it wrote and what an earlier run had written. */
export async function exportProject(
  project: PinpointProject,
  store: ExportStore,
  options: ExportOptions,
): Promise<ExportSummary> {
  const files: string[] = [];
  let written = 0;
  let kept = 0;
  const save = async (path: string, read: () => Promise<unknown>) => {
    files.push(path);
    if (await store.has(path)) {
      kept++;
      return;
    }
    const value = await withRetries(read, options);
    if (value === undefined) {
      files.pop();
      return;
    }
    await store.write(path, value);
    written++;
  };
  const step = (what: string, n: number, of: number) => options.progress(`${what} ${n}/${of}`);

  const journeys = await allPages((t) => project.journeys(t), options);
  for (const [i, j] of journeys.entries()) {
    const id = field(j, 'Id') ?? '';
    await save(`journeys/${safe(id)}.json`, () => project.journey(id));
    step('journeys', i + 1, journeys.length);
  }
  for (const [kind, list, versions] of [
    [
      'segments',
      (t?: string) => project.segments(t),
      (id: string, t?: string) => project.segmentVersions(id, t),
    ],
    [
      'campaigns',
      (t?: string) => project.campaigns(t),
      (id: string, t?: string) => project.campaignVersions(id, t),
    ],
  ] as const) {
    const items = await allPages(list, options);
    for (const [i, item] of items.entries()) {
      const id = field(item, 'Id') ?? '';
      await save(`${kind}/${safe(id)}.json`, async () => item);
      const all = await allPages((t) => versions(id, t), options);
      for (const version of all)
        await save(
          `${kind}-versions/${safe(id)}/${safe(field(version, 'Version') ?? '0')}.json`,
          async () => version,
        );
      step(kind, i + 1, items.length);
    }
  }
  const templates = await allPages((t) => project.templates(t), options);
  for (const [i, t] of templates.entries()) {
    const name = field(t, 'TemplateName') ?? '';
    const type = field(t, 'TemplateType') ?? '';
    if (['EMAIL', 'SMS', 'PUSH'].includes(type))
      await save(`templates/${safe(name)}-${type}.json`, () => project.template(name, type));
    else options.progress(`template ${name}: ${type} templates are not exported (no Cairn equivalent)`);
    step('templates', i + 1, templates.length);
  }
  await save('application-settings.json', () => project.applicationSettings());
  await save('event-stream.json', () => project.eventStream());
  if (options.endpoints) {
    const endpointFiles = await exportEndpoints(project, store, options, options.endpoints);
    files.push(...endpointFiles.files);
    written += endpointFiles.written;
    kept += endpointFiles.kept;
  }
  await store.write('manifest.json', {
    files: [...files].sort(),
    endpoints: options.endpoints ? await store.read('endpoints/job.json') : undefined,
  });
  options.progress(`done: ${written} file(s) written, ${kept} kept from an earlier run`);
  return { written, kept, files };
}

/**
 * The local name of an object the export job wrote: its key under the prefix, `/` as `_`, as JSON Lines
 * (`endpoints/<job>_<part>.jsonl`), since each holds one endpoint per line once gunzipped.
 */
export function endpointFileOf(s3UrlPrefix: string, key: string): string {
  const prefix = s3UrlPrefix.replace(/^s3:\/\/[^/]+\/?/, '');
  const relative = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const base = safe(relative.replace(/^\/+/, '').replaceAll('/', '_')).replace(/(\.jsonl?)?(\.gz)?$/, '');
  return `endpoints/${base}.jsonl`;
}

type EndpointFiles = { files: string[]; written: number; kept: number };

/**
 * Starts the endpoint export once (its id kept, so a resumed run follows the same job), follows it to the end,
 * then downloads every object it wrote into `endpoints/`; a file already downloaded is kept.
 */
async function exportEndpoints(
  project: PinpointProject,
  store: ExportStore,
  options: ExportOptions,
  where: { roleArn: string; s3UrlPrefix: string; objects: ExportObjects },
): Promise<EndpointFiles> {
  await followEndpointJob(project, store, options, where);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await withRetries(() => where.objects.list(where.s3UrlPrefix, token), options);
    // A job writes its endpoint files and nothing else; folders (keys ending in /) hold nothing.
    keys.push(...page.keys.filter((k) => !k.endsWith('/')));
    token = page.next;
  } while (token);
  const result: EndpointFiles = { files: [], written: 0, kept: 0 };
  for (const [i, key] of keys.entries()) {
    const path = endpointFileOf(where.s3UrlPrefix, key);
    result.files.push(path);
    if (await store.has(path)) result.kept++;
    else {
      await withRetries(() => store.writeBytes(path, where.objects.read(where.s3UrlPrefix, key)), options);
      result.written++;
    }
    options.progress(`endpoint files ${i + 1}/${keys.length}`);
  }
  if (keys.length === 0) options.progress(`endpoint export: no files under ${where.s3UrlPrefix}`);
  return result;
}

/** Starts the endpoint export job once and follows it until it is done. */
async function followEndpointJob(
  project: PinpointProject,
  store: ExportStore,
  options: ExportOptions,
  where: { roleArn: string; s3UrlPrefix: string },
): Promise<void> {
  const jobFile = 'endpoints/job.json';
  const known = (await store.has(jobFile)) ? field(await store.read(jobFile), 'jobId') : undefined;
  const jobId =
    known ??
    (await withRetries(() => project.startEndpointExport(where.roleArn, where.s3UrlPrefix), options));
  await store.write(jobFile, { jobId, s3UrlPrefix: where.s3UrlPrefix, status: 'CREATED' });
  for (;;) {
    const { status, failure } = await withRetries(() => project.endpointExportStatus(jobId), options);
    options.progress(`endpoint export ${jobId}: ${status}`);
    if (status === 'COMPLETED' || status === 'FAILED') {
      await store.write(jobFile, {
        jobId,
        s3UrlPrefix: where.s3UrlPrefix,
        status,
        ...(failure ? { failure } : {}),
      });
      if (status === 'FAILED')
        throw new Error(`the endpoint export job ${jobId} failed: ${failure ?? 'no reason given'}`);
      return;
    }
    await options.sleep(5000);
  }
}
