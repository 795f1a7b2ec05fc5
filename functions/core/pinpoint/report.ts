/**
 * What the import did with each Pinpoint object, for IMPORT-REPORT.md: what was mapped, what changed meaning
 * (with the Pinpoint path), and what was not mapped and why.
 */
export type Finding = { path: string; note: string };

export type ObjectReport = {
  /** `journey`, `segment`, `template`, `application settings`, `campaign`... */
  kind: string;
  /** The Pinpoint name or id, and the file it was read from. */
  name: string;
  file: string;
  /** The Cairn files written for it; empty when it was not imported. */
  outputs: string[];
  mapped: Finding[];
  changed: Finding[];
  unmapped: Finding[];
};

/** Collects one object's findings as its mapping goes. */
export class ObjectFindings {
  readonly mapped: Finding[] = [];
  readonly changed: Finding[] = [];
  readonly unmapped: Finding[] = [];

  map(path: string, note: string): void {
    this.mapped.push({ path, note });
  }
  change(path: string, note: string): void {
    this.changed.push({ path, note });
  }
  skip(path: string, note: string): void {
    this.unmapped.push({ path, note });
  }
  report(kind: string, name: string, file: string, outputs: string[]): ObjectReport {
    return { kind, name, file, outputs, mapped: this.mapped, changed: this.changed, unmapped: this.unmapped };
  }
}

function findings(title: string, list: readonly Finding[]): string[] {
  if (list.length === 0) return [];
  return [`**${title}**`, '', ...list.map((f) => `- \`${f.path}\`: ${f.note}`), ''];
}

/** The report as Markdown: a summary table, then one section per object. */
export function reportMarkdown(reports: readonly ObjectReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.kind} | ${r.name} | ${r.outputs.length > 0 ? r.outputs.map((o) => `\`${o}\``).join(', ') : 'not imported'} | ${r.changed.length} | ${r.unmapped.length} |`,
  );
  const sections = reports.flatMap((r) => [
    `## ${r.kind}: ${r.name}`,
    '',
    `From \`${r.file}\`${r.outputs.length > 0 ? `; written to ${r.outputs.map((o) => `\`${o}\``).join(', ')}` : '; nothing written'}.`,
    '',
    ...findings('Mapped', r.mapped),
    ...findings('Changed meaning', r.changed),
    ...findings('Not mapped', r.unmapped),
  ]);
  return [
    '# Pinpoint import report',
    '',
    'Written by `cairn pinpoint import`. Every construct that needs a person is under "Changed meaning" or',
    '"Not mapped", with its path in the Pinpoint object. Check these before you activate a journey or campaign.',
    '',
    '| object | Pinpoint name | Cairn files | changed meaning | not mapped |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}
