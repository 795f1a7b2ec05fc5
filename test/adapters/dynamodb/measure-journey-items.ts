/**
 * Prints the DynamoDB item sizes of the journey registry (docs/data-model.md, "Journey versions and statuses")
 * for the journeys in a folder: `npx tsx test/adapters/dynamodb/measure-journey-items.ts [journeys]`.
 */
import { itemSize } from '../../../functions/adapters/dynamodb/item-size.ts';
import {
  auditItem,
  deployedItem,
  overrideItem,
  versionItem,
} from '../../../functions/adapters/dynamodb/journey-registry.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

const folder = process.argv[2] ?? 'journeys';
const at = Date.parse('2026-11-02T10:00:00Z');
const { catalog } = await loadRuntimeConfig(folder, undefined, 'UTC');
const rows = [['journey', 'JSON', 'version item', 'deployed', 'override', 'audit', 'audit, 40-char reason']];
let total = 0;
for (const { id, version, journey } of catalog.latest()) {
  const { status: _status, ...content } = journey;
  const change = {
    journeyId: id,
    seq: 12,
    action: 'pause',
    from: 'active',
    to: 'paused',
    by: 'ana.lopez',
    at,
  } as const;
  const sizes = [
    JSON.stringify(content).length,
    itemSize(versionItem({ journeyId: id, version, journey, registeredAt: at })),
    itemSize(deployedItem({ journeyId: id, version, status: journey.status, at })),
    itemSize(overrideItem({ journeyId: id, status: 'paused', seq: 12, at })),
    itemSize(auditItem(change)),
    itemSize(auditItem({ ...change, reason: 'x'.repeat(40) })),
  ];
  total += (sizes[1] ?? 0) + (sizes[2] ?? 0) + (sizes[3] ?? 0);
  rows.push([id, ...sizes.map(String)]);
}
for (const row of rows)
  console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(18) : cell.padStart(8))).join(' '));
console.log(
  `the JOURNEYS partition with a version, a deployed marker and an override per journey: ${total} bytes`,
);
