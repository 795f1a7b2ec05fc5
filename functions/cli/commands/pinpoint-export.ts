import { parseArgs } from 'node:util';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { exportFolder } from '../../adapters/files/export-folder.ts';
import { pinpointProject } from '../../adapters/pinpoint/project-reader.ts';
import { exportProject, type PinpointProject } from '../../core/pinpoint/export.ts';
import type { CliIo } from '../io.ts';

export const pinpointExportUsage = `Usage: cairn pinpoint export --app-id ID --region R --out DIR [--endpoints-role ARN --endpoints-s3 s3://BUCKET/PREFIX]

Saves every journey, segment (with its versions), campaign (with its versions), email, SMS and push template,
the application settings and the event stream of a Pinpoint project as raw JSON, one file per object, and
manifest.json. Read-only on Pinpoint (Get and List calls), except the endpoint export job when asked for. Run
it again to resume: files already written are kept. Throttled calls are retried.
  --endpoints-role ARN   with --endpoints-s3: start an endpoint export (CreateExportJob) with this role,
  --endpoints-s3 URL     into this S3 prefix, and follow it until done; then import the files with
                         cairn import profiles --format pinpoint (docs/migrating-from-pinpoint.md)`;

/** `cairn pinpoint export`; `project` is given by tests, else made from the SDK. */
export async function pinpointExportCommand(
  args: string[],
  io: CliIo,
  project?: PinpointProject,
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
  const source = project ?? pinpointProject(new PinpointClient({ region: values.region }), appId);
  const summary = await exportProject(source, exportFolder(values.out), {
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    progress: (line) => io.stderr(line),
    ...(role !== undefined && s3 !== undefined ? { endpoints: { roleArn: role, s3UrlPrefix: s3 } } : {}),
  });
  io.stdout(
    `${summary.files.length} object(s) in ${values.out} (${summary.written} written now, ${summary.kept} kept). Next: cairn pinpoint import ${values.out} --out journeys`,
  );
  return 0;
}
