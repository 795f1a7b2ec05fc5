// The tests start dynalite the way the local stack does: one implementation, in functions/local.
export { type LocalDynamo, portOf, startDynalite } from '../../functions/local/dynalite.ts';
