import * as z from 'zod';
import { CallStub } from '../../core/calls/stubs.ts';
import { parseConfigFile } from '../../core/diagnostics/config-file.ts';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import type { CliIo } from '../io.ts';

/** The call stubs of `cairn simulate --calls`: problems at file:line:col, exit code 1. */
export async function loadCallStubs(file: string, io: CliIo): Promise<CallStub[] | number> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  const { value, problems } = parseConfigFile(z.array(CallStub), file, text);
  for (const problem of problems) io.stderr(formatProblem(problem));
  return value ?? 1;
}
