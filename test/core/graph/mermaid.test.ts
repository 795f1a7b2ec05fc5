import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { edgeKey, journeyGraph } from '../../../functions/core/graph/journey-graph.ts';
import { toMermaid } from '../../../functions/core/graph/mermaid.ts';
import { loadJourneyFile } from '../../../functions/core/journeys/load.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

const CART_ABANDONMENT = `---
title: "Cart abandonment"
---
flowchart TD
  x_trigger(["entry<br/>Product Added, cartId exists<br/>enters once per cartId"])
  s_wait_for_order("wait-for-order<br/>wait for Order Completed, same cartId")
  s_remind["remind<br/>send push or sms or email: cart-reminder"]
  s_ordered(["ordered<br/>exit: ordered-before-reminder"])
  x_end(("end"))
  x_goal[\\"goal<br/>Order Completed, same cartId"\\]
  x_trigger --> s_wait_for_order
  s_wait_for_order -->|"arrived"| s_ordered
  s_wait_for_order -.->|"not within 30 minutes"| s_remind
  s_remind --> x_end
  x_trigger -.-|"within 7 days"| x_goal
`;

describe('toMermaid', () => {
  it('draws the cart abandonment journey as it always has', async () => {
    // Prepare
    const file = 'journeys/cart-abandonment.yaml';
    const { journey } = loadJourneyFile({ file, text: await readFile(file, 'utf8') });
    if (!journey) throw new Error(`${file} does not load`);

    // Act
    const text = toMermaid(journeyGraph(journey));

    // Assess
    expect(text).toBe(CART_ABANDONMENT);
  });

  it('writes quotes, hashes and angle brackets as entity codes, so that a label cannot end early', () => {
    // Prepare
    const journey = journeyFromYaml(`
id: odd
name: 'The "odd" #1 <journey>'
trigger: { event: { detail-type: ['Said "hi" #2'] } }
steps:
  - { id: say, type: emit-event, detailType: 'a<b>' }
`);

    // Act
    const text = toMermaid(journeyGraph(journey));

    // Assess
    expect(text).toContain('title: "The \\"odd\\" #1 <journey>"');
    expect(text).toContain('x_trigger(["entry<br/>Said #quot;hi#quot; #35;2<br/>enters once"])');
    expect(text).toContain('s_say>"say<br/>emit a#lt;b#gt;"]');
  });

  it('draws counts under a node and on an edge', () => {
    // Prepare
    const journey = journeyFromYaml(`
id: counted
name: Counted
trigger: { event: { detail-type: [A] } }
steps:
  - { id: hello, type: send, channel: email, template: hello }
`);
    const counts = {
      nodes: new Map([['hello', { entered: 1200, sent: 1180 }]]),
      edges: new Map([[edgeKey('hello', ':end'), 1180]]),
    };

    // Act
    const text = toMermaid(journeyGraph(journey, counts));

    // Assess
    expect(text).toContain('s_hello["hello<br/>send email: hello<br/>entered 1,200 · sent 1,180"]');
    expect(text).toContain('s_hello -->|"1,180"| x_end');
  });
});
