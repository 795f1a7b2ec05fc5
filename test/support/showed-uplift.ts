import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEvents } from '../../functions/core/generate/index.ts';
import type { Observer } from '../../functions/core/ports/observer.ts';
import { Simulation } from '../../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';
import { tempDir } from '../cli/support.ts';

/**
 * The journey that "showed uplift" (issue 16), built as a new user would: a holdout, then a split into a
 * discount email, a plain email and an SMS, one enrollment per cart, the goal an order within 7 days. The
 * generated customers have not consented to marketing SMS, so the SMS variant sends nothing. Counted per
 * enrollment, the customers who fill many carts weigh most; counted per customer, there is no difference.
 */
export const SHOWED_UPLIFT_JOURNEY = `
id: cart-offer-test
name: Cart offer test
category: marketing
status: active
trigger:
  event:
    detail-type: [Product Added]
    detail:
      properties:
        cartId: [{ exists: true }]
entry:
  reentry: never
  dedupeBy: detail.properties.cartId
goal:
  pattern:
    detail-type: [Order Completed]
  within: P7D
steps:
  - id: control-group
    type: holdout
    percent: 10
    next: offer
  - id: offer
    type: split
    variants:
      - { name: discount, percent: 34, next: send-discount }
      - { name: plain, percent: 33, next: send-plain }
      - { name: sms, percent: 33, next: send-sms }
  - id: send-discount
    type: send
    channel: email
    template: cart-reminder
  - id: send-plain
    type: send
    channel: email
    template: welcome-nudge
  - id: send-sms
    type: send
    channel: sms
    template: cart-reminder
`;

/**
 * Runs 600 generated customers over 30 days (no SMS consent) through the journey alone, in a folder of its
 * own (the journey, the sample templates and policies), and 8 days past the last event for the goal window.
 */
export async function simulateShowedUplift(
  observer?: Observer,
): Promise<{ folder: string; simulation: Simulation }> {
  const folder = await tempDir();
  await writeFile(join(folder, 'cart-offer-test.yaml'), SHOWED_UPLIFT_JOURNEY);
  await cp('journeys/templates', join(folder, 'templates'), { recursive: true });
  await cp('journeys/policies.yaml', join(folder, 'policies.yaml'));
  const config = await loadRuntimeConfig(folder, undefined, 'UTC');
  const simulation = new Simulation({ config, ...(observer ? { observer } : {}) });
  let last = 0;
  for (const event of generateEvents({ users: 600, days: 30, seed: 16, start: '2026-11-01', smsOptIn: 0 })) {
    last = Date.parse(event.time);
    await simulation.put(event, last);
  }
  await simulation.finish(last + 8 * 86_400_000);
  return { folder, simulation };
}
