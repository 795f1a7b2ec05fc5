import type { Observation, Observer } from '../ports/observer.ts';
import type { OutcomeLog } from '../ports/outcome-log.ts';
import { outcomeRecords } from './derive.ts';

/** An observer that turns each observation into outcome records (derive.ts) and appends them to the log. */
export function outcomeObserver(log: OutcomeLog): Observer {
  return {
    observe(observation) {
      const records = outcomeRecords(observation);
      if (records.length > 0) log.append(records);
    },
  };
}

/** Tells each observer in turn; an observer that is undefined is left out. */
export function observeAll(...observers: readonly (Observer | undefined)[]): Observer {
  const present = observers.filter((o): o is Observer => o !== undefined);
  return {
    observe(observation: Observation) {
      for (const observer of present) observer.observe(observation);
    },
  };
}
