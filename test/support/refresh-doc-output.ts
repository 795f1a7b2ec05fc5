// Rewrites the output under every "$ npx cairn ..." line in ```text blocks of the given docs with what the
// command prints now, so docs that tests compare with real output are updated by a command, not by hand.
// Blocks cut with a "..." line are left alone and reported: their cut needs an author's eye.
// Likewise every ```mermaid block right after a "<!-- $ npx cairn ... -->" comment (a diagram GitHub draws,
// from `cairn graph`) becomes what its command prints now.
// Usage: npx tsx test/support/refresh-doc-output.ts docs/journeys.md docs/policies.md
import { readFile, writeFile } from 'node:fs/promises';
import { main } from '../../functions/cli/main.ts';

/** What a command prints, as a terminal shows it: stdout and stderr interleaved. */
async function printed(command: string): Promise<string> {
  const lines: string[] = [];
  await main(command.split(/\s+/).slice(3), {
    stdout: (s) => lines.push(s),
    stderr: (s) => lines.push(s),
    readFile: (path) => readFile(path, 'utf8'),
  });
  return lines.join('\n').trimEnd();
}

for (const doc of process.argv.slice(2)) {
  const text = await readFile(doc, 'utf8');
  const parts: string[] = [];
  let last = 0;
  const blocks =
    /```text\n(\$ npx cairn [^\n]*)\n([\s\S]*?)```|(<!-- (\$ npx cairn [^\n]*) -->\n)```mermaid\n[\s\S]*?```/g;
  for (const match of text.matchAll(blocks)) {
    const [whole, command, shown = '', comment, diagramCommand] = match;
    parts.push(text.slice(last, match.index));
    last = match.index + whole.length;
    if (diagramCommand !== undefined) {
      parts.push(`${comment}\`\`\`mermaid\n${await printed(diagramCommand)}\n\`\`\``);
      continue;
    }
    const actual = await printed(command ?? '');
    if (shown.split('\n').includes('...')) {
      process.stderr.write(`${doc}: cut block left as is: ${command}\n${actual}\n\n`);
      parts.push(whole);
    } else parts.push(`\`\`\`text\n${command}\n${actual}\n\`\`\``);
  }
  parts.push(text.slice(last));
  await writeFile(doc, parts.join(''));
}
