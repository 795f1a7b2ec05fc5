import { parseArgs } from 'node:util';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { S3Client } from '@aws-sdk/client-s3';
import { exportFolder } from '../../adapters/files/export-folder.ts';
import { pinpointProject } from '../../adapters/pinpoint/project-reader.ts';
import { exportObjects } from '../../adapters/s3/export-objects.ts';
import { type ExportObjects, exportProject, type PinpointProject } from '../../core/pinpoint/export.ts';
import type { CliIo } from '../io.ts';

export const pinpointExportUsage = `Usage: cairn pinpoint export --app-id ID --region R --out DIR [--endpoints-role ARN --endpoints-s3 s3://BUCKET/PREFIX]

Saves every journey, segment (with its versions), campaign (with its versions), email, SMS and push template,
the application settings and the event stream of a Pinpoint project as raw JSON, one file per object, and
manifest.json. Read-only on Pinpoint (Get and List calls), except the endpoint export job when asked for. Run
it again to resume: files already written are kept. Throttled calls are retried.
  --endpoints-role ARN   with --endpoints-s3: start an endpoint export (CreateExportJob) with this role,
  --endpoints-s3 URL     into this S3 prefix (one of its own: every object under it is downloaded), follow
                         it until done, and download its files, gunzipped, to DIR/endpoints/*.jsonl;
                         cairn pinpoint import then prints the cairn import profiles command for them`;

/** `cairn pinpoint export`; `aws` is given by tests, else made from the SDK. */
export async function pinpointExportCommand(
  args: string[],
  io: CliIo,
  aws?: { project: PinpointProject; objects: ExportObjects },
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'app-id': { type: 'string' },
      region: { type: 'string' },
      out: { type: 'string' },
      'endpoints-role': { type: 'string' },
      'endpoints-s3': { type: 'string' },
    },
    strict: true,
  });
  const appId = values['app-id'];
  const role = values['endpoints-role'];
  const s3 = values['endpoints-s3'];
  if (
    appId === undefined ||
    values.region === undefined ||
    values.out === undefined ||
    (role === undefined) !== (s3 === undefined)
  ) {
    io.stderr(pinpointExportUsage);
    return 2;
  }
  if (s3 !== undefined && !/^s3:\/\/[^/]+/.test(s3)) {
    io.stderr(
      `cairn pinpoint export: --endpoints-s3 must be an S3 URL such as s3://BUCKET/pinpoint/, not "${s3}"`,
    );
    return 2;
  }
  const source = aws?.project ?? pinpointProject(new PinpointClient({ region: values.region }), appId);
  // The bucket may be in another region than the project: the S3 client follows the redirect.
  const objects =
    aws?.objects ?? exportObjects(new S3Client({ region: values.region, followRegionRedirects: true }));
  const summary = await exportProject(source, exportFolder(values.out), {
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    progress: (line) => io.stderr(line),
    ...(role !== undefined && s3 !== undefined
      ? { endpoints: { roleArn: role, s3UrlPrefix: s3, objects } }
      : {}),
  });
  io.stdout(
    `${summary.files.length} object(s) in ${values.out} (${summary.written} written now, ${summary.kept} kept). Next: cairn pinpoint import ${values.out} --out journeys`,
  );
  return 0;
}
