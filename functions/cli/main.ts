import { readFile } from 'node:fs/promises';
import { campaignsCommand, campaignsUsage } from './commands/campaigns.ts';
import { explainCommand, explainUsage } from './commands/explain.ts';
import { generateEventsCommand, generateEventsUsage } from './commands/generate-events.ts';
import { graphCommand, graphUsage } from './commands/graph.ts';
import { importCommand, importUsage } from './commands/import.ts';
import { journeysCommand, journeysUsage } from './commands/journeys.ts';
import { modelCommand, modelUsage } from './commands/model.ts';
import { pinpointCommand, pinpointUsage } from './commands/pinpoint.ts';
import { profilesCommand, profilesUsage } from './commands/profiles.ts';
import { renderCommand, renderUsage } from './commands/render.ts';
import { reportCommand, reportUsage } from './commands/report.ts';
import { schemaCommand, schemaUsage } from './commands/schema.ts';
import { segmentsCommand, segmentsUsage } from './commands/segments.ts';
import { simulateCommand, simulateUsage } from './commands/simulate.ts';
import { startCommand, startUsage } from './commands/start.ts';
import { testJourneysCommand, testUsage } from './commands/test-journeys.ts';
import { testPatternCommand, testPatternUsage } from './commands/test-pattern.ts';
import { validateCommand, validateUsage } from './commands/validate.ts';
import type { CliIo } from './io.ts';
import { explainNetworkError } from './network-errors.ts';

type Command = { summary: string; usage: string; run: (args: string[], io: CliIo) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'Run Cairn locally on the sample journeys and events, and report',
    usage: startUsage,
    run: startCommand,
  },
  validate: {
    summary: 'Check journey files; every problem with file:line:column',
    usage: validateUsage,
    run: validateCommand,
  },
  test: { summary: 'Run the journey tests in journeys/tests/', usage: testUsage, run: testJourneysCommand },
  'test-pattern': {
    summary: 'Test an EventBridge pattern against an event, like TestEventPattern',
    usage: testPatternUsage,
    run: testPatternCommand,
  },
  simulate: {
    summary: 'Run journeys over events with a virtual clock and report',
    usage: simulateUsage,
    run: simulateCommand,
  },
  report: {
    summary: 'Report the outcome log per journey, step, variant and holdout (table, JSON, HTML)',
    usage: reportUsage,
    run: reportCommand,
  },
  explain: {
    summary: 'Why was (or was not) a message sent? Every decision for one customer',
    usage: explainUsage,
    run: explainCommand,
  },
  graph: {
    summary: 'Draw a journey as a diagram: Mermaid, DOT, SVG or an HTML page',
    usage: graphUsage,
    run: graphCommand,
  },
  'generate-events': {
    summary: 'Write a deterministic synthetic event timeline as NDJSON',
    usage: generateEventsUsage,
    run: generateEventsCommand,
  },
  import: {
    summary:
      'Turn CDNOW or Online Retail purchases, or profile files (CSV, JSON Lines, Pinpoint), into events',
    usage: importUsage,
    run: importCommand,
  },
  pinpoint: {
    summary: 'Move off Amazon Pinpoint: import an exported project as Cairn files with a report',
    usage: pinpointUsage,
    run: pinpointCommand,
  },
  profiles: {
    summary: 'Profiles, RFM, pAlive and lifecycle stage of every customer as of a time',
    usage: profilesUsage,
    run: profilesCommand,
  },
  segments: {
    summary: 'How many customers are in a segment as of a time (estimate), and who (export)',
    usage: segmentsUsage,
    run: segmentsCommand,
  },
  model: {
    summary: 'Fit the BG/NBD churn model (model fit) to purchase events',
    usage: modelUsage,
    run: modelCommand,
  },
  render: {
    summary: 'Print what a template would send for a profile and event (email, SMS or push)',
    usage: renderUsage,
    run: renderCommand,
  },
  campaigns: {
    summary: "Send a campaign's messages to a test list through the local stack's deliver path",
    usage: campaignsUsage,
    run: campaignsCommand,
  },
  journeys: {
    summary: 'List, pause, resume or archive journeys in a deployed environment; their audit trail',
    usage: journeysUsage,
    run: journeysCommand,
  },
  schema: {
    summary: 'Print or write the JSON Schema of journey files',
    usage: schemaUsage,
    run: schemaCommand,
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: cairn <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "cairn <command> --help" for its options.',
  ].join('\n');
}

export const processIo: CliIo = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
  readFile: (path) => readFile(path, 'utf8'),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`cairn: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // parseArgs reports unknown or malformed options by throwing; show it with the command's usage.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`cairn ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    // No command ends with a stack trace: what failed, in one line; CAIRN_DEBUG=1 shows the trace.
    const network = explainNetworkError(error, 'a service', 'its endpoint', 'AWS_ENDPOINT_URL');
    io.stderr(`cairn ${name}: ${network ?? (error instanceof Error ? error.message : String(error))}`);
    if (process.env.CAIRN_DEBUG && error instanceof Error && error.stack) io.stderr(error.stack);
    return 1;
  }
}
