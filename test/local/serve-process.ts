import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One JSON line the serving process printed (test/fixtures/local/serve-process.ts). */
export type ProcessLine = {
  endpoint?: string;
  state?: string;
  sent?: { userId: string; journeyId: string; at: number };
  heapUsed?: number;
  sentTotal?: number;
  error?: string;
};

export type ServingProcess = {
  child: ChildProcess;
  lines: ProcessLine[];
  endpoint: string;
  /** Resolves with the first line (seen or to come) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(match: (line: ProcessLine) => boolean, timeoutMs?: number): Promise<ProcessLine>;
  /** Kills the process at once (SIGKILL: no handler runs, nothing is flushed or closed). */
  kill(): Promise<void>;
};

const started = new Set<ChildProcess>();

/** Kills every process started here that is still running (a test that failed half-way leaves some). */
export function killServingProcesses(): void {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  started.clear();
}

/** Starts the serving local stack in a process of its own, with `env` (CAIRN_DATA, CAIRN_SPEED...). */
export async function startServingProcess(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ServingProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'test/fixtures/local/serve-process.ts'],
    { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  started.add(child);
  const lines: ProcessLine[] = [];
  const waiting = new Set<() => void>();
  const stdout = child.stdout;
  if (!stdout) throw new Error('the serving process has no stdout');
  createInterface({ input: stdout }).on('line', (text) => {
    lines.push(JSON.parse(text));
    for (const wake of waiting) wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (match: (line: ProcessLine) => boolean, timeoutMs = 30_000) =>
    new Promise<ProcessLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no such line within ${timeoutMs} ms; lines: ${JSON.stringify(lines)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiting.delete(check);
      };
      waiting.add(check);
      check();
    });
  const up = await waitFor((line) => line.endpoint !== undefined, 60_000);
  return {
    child,
    lines,
    endpoint: up.endpoint ?? '',
    waitFor,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
