/**
 * A progress bar on stderr for long imports, drawn only when stderr is a terminal (so files, pipes and tests
 * get the summary alone), redrawn at most every 100 ms.
 */
const WIDTH = 30;

/** Where the bar is drawn: stderr, or a stand-in in tests. */
export type ProgressStream = { isTTY?: boolean; write(text: string): unknown };

export class ProgressBar {
  #bytes = 0;
  #rows = 0;
  #drawnAt = 0;
  readonly #on: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.#on = stream.isTTY === true && total > 0;
  }

  read(bytes: number): void {
    this.#bytes += bytes;
    this.#draw();
  }

  row(): void {
    this.#rows += 1;
    if (this.#rows % 1000 === 0) this.#draw();
  }

  done(): void {
    if (!this.#on) return;
    this.#drawnAt = 0;
    this.#draw();
    this.stream.write('\n');
  }

  #draw(): void {
    if (!this.#on || this.now() - this.#drawnAt < 100) return;
    this.#drawnAt = this.now();
    const share = Math.min(1, this.#bytes / this.total);
    const filled = Math.round(share * WIDTH);
    this.stream.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${this.#rows.toLocaleString('en')} rows`,
    );
  }
}
