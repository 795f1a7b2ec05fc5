import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ExportStore } from '../../core/pinpoint/export.ts';

const GZIP_MAGIC = [0x1f, 0x8b];

/** The bytes, gunzipped when they start with gzip's magic number (Pinpoint writes its export files as .gz). */
async function* gunzippedIfGzip(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks = bytes[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  async function* whole(): AsyncGenerator<Uint8Array> {
    yield first.value;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  const isGzip = GZIP_MAGIC.every((byte, i) => first.value[i] === byte);
  yield* isGzip ? Readable.from(whole()).pipe(createGunzip()) : whole();
}

/**
 * The export folder: each object as pretty JSON, each endpoint file as its lines; written to a temporary name
 * and renamed, so a cut run leaves no half file and a resumed run writes it again.
 */
export function exportFolder(root: string): ExportStore {
  const atomically = async (path: string, write: (temporary: string) => Promise<void>) => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    try {
      await write(`${file}.tmp`);
    } catch (error) {
      await rm(`${file}.tmp`, { force: true });
      throw error;
    }
    await rename(`${file}.tmp`, file);
  };
  return {
    has: async (path) => (await stat(join(root, path)).catch(() => undefined))?.isFile() === true,
    write: (path, value) =>
      atomically(path, (temporary) => writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`)),
    writeBytes: (path, bytes) =>
      atomically(path, (temporary) =>
        pipeline(Readable.from(gunzippedIfGzip(bytes)), createWriteStream(temporary)),
      ),
    read: async (path) => JSON.parse(await readFile(join(root, path), 'utf8')),
  };
}
