import type { CliIo } from '../io.ts';
import { pinpointExportCommand, pinpointExportUsage } from './pinpoint-export.ts';
import { pinpointImportCommand, pinpointImportUsage } from './pinpoint-import.ts';

export const pinpointUsage = `Usage: cairn pinpoint export|import ...

Moves a project off Amazon Pinpoint (docs/migrating-from-pinpoint.md).

${pinpointExportUsage}

${pinpointImportUsage}`;

/** `cairn pinpoint export|import`. */
export async function pinpointCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return pinpointExportCommand(rest, io);
  if (sub === 'import') return pinpointImportCommand(rest, io);
  io.stderr(pinpointUsage);
  return 2;
}
