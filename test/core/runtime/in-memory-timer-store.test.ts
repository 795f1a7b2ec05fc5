import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { timerStoreContract } from '../../contracts/timer-store.contract.ts';

timerStoreContract('in memory', () => new InMemoryTimerStore());
