import { describe, expect, it } from 'vitest';
import { journeyGraph } from '../../../functions/core/graph/journey-graph.ts';
import { toMermaid } from '../../../functions/core/graph/mermaid.ts';
import { journeyFromYaml } from '../../support/journeys.ts';
import { countedJourney, sampleJourney } from './support.ts';

const CART_ABANDONMENT = `---
title: "Cart abandonment"
---
flowchart TD
  x_trigger(["entry<br/>Product Added, cartId exists<br/>enters once, per detail.properties.cartId"])
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
    const journey = await sampleJourney('cart-abandonment');

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
    const { journey, counts } = countedJourney();

    // Act
    const text = toMermaid(journeyGraph(journey, counts));

    // Assess
    expect(text).toContain('s_hello["hello<br/>send email: hello<br/>entered 1,200 · sent 1,180"]');
    expect(text).toContain('s_hello -->|"1,180"| x_end');
  });
});
