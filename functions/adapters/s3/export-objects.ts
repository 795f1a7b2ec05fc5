import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ExportObjects } from '../../core/pinpoint/export.ts';

/** `s3://bucket/prefix/` as its bucket and key prefix; a clear error for anything else. */
export function s3Prefix(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new Error(`expected an S3 URL such as s3://BUCKET/PREFIX/, got "${url}"`);
  return { bucket: match[1], prefix: match[2] ?? '' };
}

function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/** The objects a Pinpoint endpoint export job wrote, read with the S3 SDK (ListObjectsV2, GetObject). */
export function exportObjects(client: S3Client): ExportObjects {
  return {
    list: async (url, token) => {
      const { bucket, prefix } = s3Prefix(url);
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      return {
        keys: (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])),
        ...(page.IsTruncated && page.NextContinuationToken ? { next: page.NextContinuationToken } : {}),
      };
    },
    read: (url, key) => ({
      async *[Symbol.asyncIterator]() {
        const { bucket } = s3Prefix(url);
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        // In Node the body is a Readable stream, which yields Buffers (Uint8Arrays).
        if (!isByteStream(object.Body)) throw new Error(`s3://${bucket}/${key}: the object has no body`);
        yield* object.Body;
      },
    }),
  };
}
