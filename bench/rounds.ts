// Printing figures measured over rounds, for the parts of npm run bench.

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The median of some figures (the lower middle one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** min / median / max of figures measured over rounds, e.g. `12,034 / 12,870 / 13,112`. */
export function spread(values: readonly number[], digits = 0): string {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[0], median(sorted), sorted.at(-1)].map((v) => fmt(v ?? Number.NaN, digits)).join(' / ');
}
