import type { CliIo } from '../io.ts';
import { pinpointImportCommand, pinpointImportUsage } from './pinpoint-import.ts';

export const pinpointUsage = `Usage: cairn pinpoint import DIR --out journeys/

Moves a project off Amazon Pinpoint (docs/migrating-from-pinpoint.md).

${pinpointImportUsage}`;

/** `cairn pinpoint <import>`. */
export async function pinpointCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') return pinpointImportCommand(rest, io);
  io.stderr(pinpointUsage);
  return 2;
}
