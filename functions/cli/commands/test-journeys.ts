import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import { parseJourneyTestFile, runTestCase } from '../../core/journey-tests/run.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog, loadLifecycle } from '../load-catalog.ts';
import { loadPolicyChoice } from '../load-policies.ts';
import { loadTemplates } from '../simulation-setup.ts';

export const testUsage = `Usage: cairn test [paths...] [--journeys journeys/]

Runs journey tests (*.test.yaml, default in journeys/tests/): each case replays its events through the
journeys with a virtual clock and compares the messages and enrollments with what it expects.
Exit 0 when all pass, 1 when any fails or a test file is invalid.`;

async function testFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.test\.ya?ml$/.test(n)).sort();
      files.push(...names.map((n) => join(path, n)));
    } else files.push(path);
  }
  return files;
}

export async function testJourneysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { journeys: { type: 'string', default: 'journeys' } },
    strict: true,
  });
  const catalog = await loadCatalog([values.journeys], io, 'test');
  const lifecycle = await loadLifecycle(values.journeys, io, 'test');
  const policies = await loadPolicyChoice(values.journeys, undefined, undefined, io, 'test');
  const templates = await loadTemplates(values.journeys, io, 'test');
  if (!catalog || lifecycle === undefined || policies === undefined || !templates) return 1;
  const journeys = [...catalog.latest()].map((c) => c.journey);
  let passed = 0;
  let failed = 0;
  const files = await testFiles(positionals.length > 0 ? positionals : [join(values.journeys, 'tests')]);
  if (files.length === 0) {
    io.stderr('cairn test: no journey tests (*.test.yaml) found');
    return 1;
  }
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      io.stderr(`cairn test: cannot read ${file}`);
      failed++;
      continue;
    }
    const { test, problems } = parseJourneyTestFile(file, text);
    const unknown = (test?.journeys ?? []).filter((id) => !journeys.some((j) => j.id === id));
    if (!test || unknown.length > 0) {
      for (const p of problems) io.stderr(formatProblem(p));
      if (unknown.length > 0) io.stderr(`${file}: unknown journey id(s): ${unknown.join(', ')}`);
      failed++;
      continue;
    }
    io.stdout(file);
    const underTest = journeys.filter((j) => test.journeys.includes(j.id));
    for (const testCase of test.cases) {
      if (test.lifecycle && !lifecycle) {
        io.stderr(`${file}: lifecycle: true needs ${values.journeys}/lifecycle.yaml`);
        failed++;
        continue;
      }
      const result = await runTestCase(test, testCase, {
        journeys: underTest,
        segments: catalog.segmentDefinitions,
        templates,
        ...(lifecycle ? { lifecycle } : {}),
        ...(policies ? { policies: policies.policies } : {}),
      });
      if (result.failures.length === 0) {
        passed++;
        io.stdout(`  ok    ${result.name}`);
      } else {
        failed++;
        io.stdout(`  FAIL  ${result.name}`);
        for (const failure of result.failures) io.stdout(`        ${failure}`);
      }
    }
  }
  io.stdout(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
