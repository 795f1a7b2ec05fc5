// Rewrites the output under every "$ npx cairn ..." line in ```text blocks of the given docs with what the
// command prints now, so docs that tests compare with real output are updated by a command, not by hand.
// Blocks cut with a "..." line are left alone and reported: their cut needs an author's eye.
// Usage: npx tsx test/support/refresh-doc-output.ts docs/journeys.md docs/policies.md
import { readFile, writeFile } from 'node:fs/promises';
import { main } from '../../functions/cli/main.ts';

for (const doc of process.argv.slice(2)) {
  const text = await readFile(doc, 'utf8');
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/```text\n(\$ npx cairn [^\n]*)\n([\s\S]*?)```/g)) {
    const [whole, command = '', shown = ''] = match;
    // As a terminal shows it: stdout and stderr interleaved.
    const printed: string[] = [];
    await main(command.split(/\s+/).slice(3), {
      stdout: (s) => printed.push(s),
      stderr: (s) => printed.push(s),
      readFile: (path) => readFile(path, 'utf8'),
    });
    const actual = printed.join('\n').trimEnd();
    parts.push(text.slice(last, match.index));
    if (shown.split('\n').includes('...')) {
      process.stderr.write(`${doc}: cut block left as is: ${command}\n${actual}\n\n`);
      parts.push(whole);
    } else parts.push(`\`\`\`text\n${command}\n${actual}\n\`\`\``);
    last = match.index + whole.length;
  }
  parts.push(text.slice(last));
  await writeFile(doc, parts.join(''));
}
