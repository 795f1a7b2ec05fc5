import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

describe('cairn graph', () => {
  it('prints a sample journey, looked up by its id, as Mermaid', async () => {
    // Prepare
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['graph', 'win-back'], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^---\ntitle: "Win-back for at-risk customers"\n---\nflowchart TD\n/);
    expect(out.join('\n')).toContain('s_offer_test -->|"percent-off 50%"| s_send_percent_off');
  });

  it('reads a journey file given as a path, in DOT', async () => {
    // Prepare
    const { io, out } = memoryIo();

    // Act
    const code = await main(['graph', 'journeys/wholesale-leads.yaml', '--format', 'dot'], io);

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^digraph "wholesale-leads" \{/);
    expect(out.join('\n')).toContain('"post-lead" -> "standard-reply" [label="failed"');
  });

  it('writes the format that --out names: an HTML page with the SVG inline', async () => {
    // Prepare
    const { io, out } = memoryIo();
    const file = join(await tempDir(), 'welcome.html');

    // Act
    const code = await main(['graph', 'welcome-series', '--out', file], io);

    // Assess
    const page = await readFile(file, 'utf8');
    expect(code).toBe(0);
    expect(out).toEqual([`cairn graph: wrote ${file} (html)`]);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/class="node"/g)).toHaveLength(9);
    expect(page).not.toMatch(/<script|\ssrc=/);
  });

  it('prints SVG with --format svg, whatever --out would say', async () => {
    // Prepare
    const { io } = memoryIo();
    const file = join(await tempDir(), 'diagram.txt');

    // Act
    const code = await main(['graph', 'birthday', '--format', 'svg', '--out', file], io);

    // Assess
    expect(code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('<svg ');
  });

  it('names the journeys it knows when the id is none of them', async () => {
    // Prepare
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['graph', 'welcome'], io);

    // Assess
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^cairn graph: no journey "welcome" in journeys; known: birthday, cart-abandonment, /,
    );
    expect(err[0]).toContain(', welcome-series, ');
  });

  it("prints a broken journey's problems with file:line:column instead of a diagram", async () => {
    // Prepare
    const { io, out, err } = memoryIo();
    const dir = await tempDir();
    await writeFile(
      join(dir, 'broken.yaml'),
      'id: broken\nname: Broken\ntrigger: { event: { detail-type: [A] } }\nsteps:\n  - { id: a, type: wait, duration: P1D, next: nowhere }\n',
    );

    // Act
    const byId = await main(['graph', 'broken', '--journeys', dir], io);
    const byFile = await main(['graph', join(dir, 'broken.yaml')], io);

    // Assess
    expect([byId, byFile]).toEqual([1, 1]);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/broken\.yaml:5:\d+ .*nowhere/);
    expect(err[1]).toBe(
      'cairn graph: 1 problem(s) in broken; fix them first ("npx cairn validate" lists them)',
    );
  });

  it('refuses a format it does not know, a missing folder and a missing JOURNEY', async () => {
    // Prepare
    const { io, err } = memoryIo();

    // Act
    const codes = [
      await main(['graph', 'win-back', '--format', 'png'], io),
      await main(['graph', 'win-back', '--journeys', 'no-such-folder'], io),
      await main(['graph'], io),
    ];

    // Assess
    expect(codes).toEqual([2, 2, 2]);
    expect(err[0]).toBe('cairn graph: --format must be mermaid, dot, svg, html, not "png"');
    expect(err[1]).toBe('cairn graph: no such folder: no-such-folder');
    expect(err[2]).toMatch(
      /^cairn graph: expected one JOURNEY \(an id or a file\)\n\nUsage: cairn graph JOURNEY/,
    );
  });
});
