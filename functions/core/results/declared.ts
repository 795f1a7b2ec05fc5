import type { Journey } from '../journeys/schema.ts';
import type { DeclaredGroup } from './group-results.ts';

/**
 * The groups a journey declares and their shares of its customers: the holdout step's percent for the control
 * group, and the rest divided as the split step says (held-out customers pass the split too but are counted
 * as holdout). With no split the non-held-out customers are one group, `all`. With neither, no groups.
 * The first holdout and split steps of the journey are the ones reported, as the tally groups by them.
 */
export function declaredGroups(journey: Journey): DeclaredGroup[] {
  let holdout = 0;
  let variants: { name: string; percent: number }[] | undefined;
  for (const step of journey.steps) {
    if (step.type === 'holdout' && holdout === 0) holdout = step.percent;
    if (step.type === 'split' && variants === undefined) variants = step.variants;
  }
  if (holdout === 0 && variants === undefined) return [];
  const rest = 100 - holdout;
  const groups: DeclaredGroup[] = holdout > 0 ? [{ group: 'holdout', percent: holdout, holdout: true }] : [];
  for (const variant of variants ?? [{ name: 'all', percent: 100 }])
    groups.push({ group: variant.name, percent: (rest * variant.percent) / 100, holdout: false });
  return groups;
}
