/** What a CLI command may do to the outside world; injected so commands are tested without a process. */
export type CliIo = {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
};
