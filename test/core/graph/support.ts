import { readFile } from 'node:fs/promises';
import { edgeKey, type GraphCounts, TRIGGER_NODE } from '../../../functions/core/graph/journey-graph.ts';
import { loadJourneyFile } from '../../../functions/core/journeys/load.ts';
import type { Journey } from '../../../functions/core/journeys/schema.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

/** A sample journey of journeys/, by its id. */
export async function sampleJourney(id: string): Promise<Journey> {
  const file = `journeys/${id}.yaml`;
  const { journey } = loadJourneyFile({ file, text: await readFile(file, 'utf8') });
  if (!journey) throw new Error(`${file} does not load`);
  return journey;
}

/** A journey of one send step, and counts for it as a report would give them. */
export function countedJourney(): { journey: Journey; counts: GraphCounts } {
  const journey = journeyFromYaml(`
id: counted
name: Counted
trigger: { event: { detail-type: [A] } }
steps:
  - { id: hello, type: send, channel: email, template: hello }
`);
  const counts = {
    nodes: new Map([['hello', { entered: 1200, sent: 1180 }]]),
    edges: new Map([
      [edgeKey(TRIGGER_NODE, 'hello'), 1200],
      [edgeKey('hello', ':end'), 1180],
    ]),
  };
  return { journey, counts };
}
