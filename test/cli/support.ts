import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../functions/cli/io.ts';

/** A CliIo that records what a command prints, for asserting on it. */
export function memoryIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s) => out.push(s), stderr: (s) => err.push(s), readFile: (p) => readFile(p, 'utf8') },
    out,
    err,
  };
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cairn-test-'));
}
