import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';

/**
 * The YAML language server is what VS Code's YAML extension (and other editors) run. Driving its language
 * service here shows what a marketer sees in the editor: it follows the `$schema` modeline on the first line
 * of each sample to journeys/schema.json.
 */
function editor() {
  const service = getLanguageService({
    schemaRequestService: (uri) => readFile(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  service.configure({ validate: true, completion: true, hover: false });
  return service;
}

/** The language server caches parsed documents by URI and version, as an editor bumps the version on each edit. */
let version = 0;

async function open(path: string, edit: (text: string) => string = (t) => t) {
  const uri = pathToFileURL(resolve(path)).toString();
  version++;
  return TextDocument.create(uri, 'yaml', version, edit(await readFile(path, 'utf8')));
}

describe('journeys in an editor with the YAML language server', () => {
  it('shows no problem in the sample journeys', async () => {
    const service = editor();
    for (const path of [
      'journeys/cart-abandonment.yaml',
      'journeys/win-back.yaml',
      'journeys/cross-sell.yaml',
    ]) {
      const diagnostics = await service.doValidation(await open(path), false);

      expect(
        diagnostics.map((d) => d.message),
        path,
      ).toEqual([]);
    }
  });

  it('underlines a misspelt key in a sample journey, on its line', async () => {
    // Prepare: "template" misspelt in the cart-abandonment sample
    const document = await open('journeys/cart-abandonment.yaml', (t) =>
      t.replace('    template: cart-reminder', '    tempalte: cart-reminder'),
    );
    const typoLine = document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('tempalte'));

    // Act
    const diagnostics = await editor().doValidation(document, false);

    // Assess
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toContainEqual([
      typoLine,
      'Property tempalte is not allowed.',
    ]);
  });

  it('underlines a step type that does not exist', async () => {
    const document = await open('journeys/welcome-series.yaml', (t) => t.replace('type: send', 'type: sned'));

    const diagnostics = await editor().doValidation(document, false);

    const typoLine = document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('type: sned'));
    expect(diagnostics.map((d) => d.range.start.line)).toContain(typoLine);
    expect(diagnostics.map((d) => d.message)).toContain('Value must be "send".');
  });

  it('offers the step types when completing a step', async () => {
    const text =
      '# yaml-language-server: $schema=./schema.json\nid: x\nname: X\ntrigger: { event: { detail-type: [X] } }\nsteps:\n  - id: a\n    type: \n';
    version++;
    const document = TextDocument.create(
      pathToFileURL(resolve('journeys/new.yaml')).toString(),
      'yaml',
      version,
      text,
    );

    const completions = await editor().doComplete(document, { line: 6, character: 10 }, false);

    expect(completions.items.map((i) => i.label)).toEqual(
      expect.arrayContaining(['send', 'wait', 'branch', 'split', 'holdout', 'exit']),
    );
  });
});
